/// A named landscape preset: its formula, options with defaults, and how to build it.
public struct LandscapePreset: Sendable {
  public let name: String
  /// The formula in plain text, e.g. "x² + ratio·y²".
  public let formula: String
  public let summary: String
  public let options: [OptionDeclaration]
  /// Known minimizers for the default options, as text for `descent presets`.
  public let minimizerText: String
  /// Builds the landscape from option values (defaults filled in); throws on invalid combinations.
  public let build: @Sendable (OptionValues) throws(OptionError) -> AnyLandscape
  /// The region worth plotting in words, for a preset whose region depends on its options or its
  /// data; nil when the preset built with its defaults tells it (`suggestedViewBox`).
  public var plotRegionText: String? = nil
}

/// Every landscape preset descent knows, by name.
public enum LandscapeCatalog {
  public static let presets: [LandscapePreset] = quadraticPresets + testFunctionPresets

  /// parabola, bowl, ravine, quadratic.
  static let quadraticPresets: [LandscapePreset] = [
    LandscapePreset(
      name: "parabola", formula: "a·x²", summary: "the 1-D parabola of the lesson; GD threshold η < 1/a",
      options: [.init("a", .number, default: .number(1), "curvature coefficient (f'' = 2a)")],
      minimizerText: "x = 0, f = 0 (for a > 0)",
      build: { options throws(OptionError) in
        let a = options.number("a")
        guard a.isFinite, a != 0 else { throw OptionError(option: "a", "'a' must be a finite non-zero number") }
        return .quadratic(Quadratic(eigenvalues: [2 * a]))
      }),
    LandscapePreset(
      name: "bowl", formula: "x² + y²", summary: "the round bowl: every direction has curvature 2",
      options: [], minimizerText: "(0, 0), f = 0",
      build: { _ throws(OptionError) in .quadratic(Quadratic(eigenvalues: [2, 2])) }),
    LandscapePreset(
      name: "ravine", formula: "x² + ratio·y²",
      summary: "the narrow ravine: Hessian eigenvalues 2 and 2·ratio, GD threshold η < 1/ratio",
      options: [.init("ratio", .number, default: .number(100), "curvature ratio between y and x")],
      minimizerText: "(0, 0), f = 0",
      build: { options throws(OptionError) in
        let ratio = options.number("ratio")
        guard ratio.isFinite, ratio > 0 else {
          throw OptionError(option: "ratio", "'ratio' must be a positive finite number")
        }
        return .quadratic(Quadratic(eigenvalues: [2, 2 * ratio]))
      }),
    LandscapePreset(
      name: "quadratic", formula: "½ (x − c)ᵀ H (x − c), H = R(angle)·diag(eigenvalues)·R(angle)ᵀ",
      summary: "a quadratic of any dimension with the given Hessian eigenvalues",
      options: [
        .init("eigenvalues", .numbers(count: nil), default: nil, "Hessian eigenvalues, one per dimension (required)"),
        .init("angle", .number, default: .number(0), "2-D only: rotation of the eigenvectors, in degrees"),
        .init("center", .numbers(count: nil), default: nil, "the critical point c (the origin when not given)"),
      ],
      minimizerText: "c (the origin by default), f = 0, when every eigenvalue is positive",
      build: { options throws(OptionError) in
        guard let eigenvalues = options.numbers("eigenvalues") else {
          throw OptionError(option: nil, "the quadratic preset needs 'eigenvalues'")
        }
        guard !eigenvalues.isEmpty else { throw OptionError(option: "eigenvalues", "'eigenvalues' must not be empty") }
        guard eigenvalues.allSatisfy(\.isFinite) else {
          throw OptionError(option: "eigenvalues", "'eigenvalues' must be finite numbers")
        }
        let center = options.numbers("center")
        if let center, center.count != eigenvalues.count {
          throw OptionError(
            option: "center",
            "'center' has \(center.count) coordinate\(center.count == 1 ? "" : "s") but there are \(eigenvalues.count) eigenvalues"
          )
        }
        let angle = options.number("angle")
        guard angle.isFinite else { throw OptionError(option: "angle", "'angle' must be a finite number of degrees") }
        if angle != 0 {
          guard eigenvalues.count == 2 else {
            throw OptionError(
              option: "angle", "'angle' rotates 2-D quadratics only; this one has \(eigenvalues.count) dimensions")
          }
          return .quadratic(Quadratic(eigenvalues: eigenvalues, rotationDegrees: angle, center: center))
        }
        return .quadratic(Quadratic(eigenvalues: eigenvalues, center: center))
      },
      plotRegionText: "c ± 5 in every coordinate (c ± 5·√(2/|λ|) when the smallest non-zero |λ| is below 2)"),
  ]

  /// The preset called `name`.
  public static func preset(named name: String) -> LandscapePreset? {
    presets.first { $0.name == name }
  }
}
