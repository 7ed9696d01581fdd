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
        let defaultText = option.defaultValue.map { "default \($0)" } ?? "no default"
        console.out("    \(option.name) (\(defaultText)): \(option.summary)")
      }
      console.out("    minimizers: \(preset.minimizerText)")
      switch try? preset.build(OptionValues(declarations: preset.options, given: [])) {
      case .leastSquares?: console.out("    plot region: x̂ ± 2 in every coordinate")
      case let landscape?: console.out("    plot region: \(landscape.suggestedViewBox)")
      case nil: break
      }
    }
    console.out("")
    console.out("expressions: landscape: {expr: \"(1 - x)^2 + 100*(y - x^2)^2\", vars: [x, y], minimum: [1, 1]}")
    console.out("    operators + - * / and ^ (right-associative; -x^2 is -(x^2)), parentheses, numbers such as 1e-3")
    console.out("    constants: pi, e; functions: \(ExpressionLanguage.functionNames.joined(separator: ", "))")
    console.out("    gradient and Hessian by automatic differentiation; 'minimum' tells the classifier where x* is")
    return .success
  }
}
