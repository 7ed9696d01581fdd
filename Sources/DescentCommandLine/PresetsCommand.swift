import DescentCore

/// `descent presets`: every landscape preset with its formula, options and defaults, minimizers
/// and minimum value, and the region worth plotting; then the expression language.
struct PresetsCommand {
  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(arguments, switches: [], options: [])
    guard scanner.positional.isEmpty else { throw UsageError("presets takes no arguments") }
  }

  func execute(_ console: Console) -> ExitCode {
    for preset in LandscapeCatalog.presets {
      console.out("\(preset.name): f = \(preset.formula)")
      console.out("    \(preset.summary)")
      for option in preset.options {
        // An option without a default says in its summary whether it is required or what its
        // absence means.
        let defaultText = option.defaultValue.map { " (default \(Self.text($0)))" } ?? ""
        console.out("    \(option.name)\(defaultText): \(option.summary)")
      }
      console.out("    minimizers: \(preset.minimizerText)")
      if let region = preset.plotRegionText {
        console.out("    plot region: \(region)")
      } else if let landscape = try? preset.build(OptionValues(declarations: preset.options, given: [])) {
        console.out("    plot region: \(landscape.suggestedViewBox)")
      }
    }
    console.out("")
    console.out("expressions: landscape: {expr: \"(1 - x)^2 + 100*(y - x^2)^2\", vars: [x, y], minimum: [1, 1]}")
    console.out("    operators + - * / and ^ (right-associative; -x^2 is -(x^2)), parentheses, numbers such as 1e-3")
    console.out("    constants: pi, e; functions: \(ExpressionLanguage.functionNames.joined(separator: ", "))")
    console.out("    gradient and Hessian by automatic differentiation; 'minimum' tells the classifier where x* is")
    return .success
  }

  /// An option's default as shown here: a whole multiple of π by name, with its value
  /// (`2π = 6.283185307179586`).
  static func text(_ value: OptionValue) -> String {
    guard case .number(let number) = value, number != 0 else { return value.description }
    let multiple = (number / Double.pi).rounded()
    guard abs(multiple) <= 12, multiple * Double.pi == number else { return value.description }
    let factor = multiple == 1 ? "" : multiple == -1 ? "−" : NumberText.shortest(multiple)
    return "\(factor)π = \(value)"
  }
}
