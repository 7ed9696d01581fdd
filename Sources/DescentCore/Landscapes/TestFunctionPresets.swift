// The presets beyond the quadratics (SPEC §Landscapes): the test functions, the saddles and the
// generated least-squares problem, as `LandscapeCatalog` entries.

extension LandscapeCatalog {
  static let testFunctionPresets: [LandscapePreset] = [
    LandscapePreset(
      name: "rosenbrock", formula: "(a − x)² + b·(y − x²)²",
      summary: "the banana valley: a curved, flat-bottomed ravine; κ ≈ 2508 at the minimum for a = 1, b = 100",
      options: [
        .init("a", .number, default: .number(1), "the minimizer is (a, a²)"),
        .init("b", .number, default: .number(100), "steepness of the valley walls (> 0)"),
      ],
      minimizerText: "(a, a²) = (1, 1) by default, f = 0",
      build: { options throws(OptionError) in
        let a = options.number("a")
        let b = options.number("b")
        guard b > 0 else { throw OptionError(option: "b", "'b' must be positive (b ≤ 0 has no minimum)") }
        return .rosenbrock(Rosenbrock(a: a, b: b))
      }),
    fixed(
      "beale", formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
      summary: "sharp ridges and flat plateaus around a narrow valley", minimizerText: "(3, 0.5), f = 0",
      landscape: .beale(Beale())),
    fixed(
      "himmelblau", formula: "(x² + y − 11)² + (x + y² − 7)²",
      summary: "four global minima, one local maximum and four saddles: which minimum GD finds depends on the start",
      minimizerText:
        "(3, 2), (−2.805118, 3.131313), (−3.779310, −3.283186), (3.584428, −1.848127), f = 0 at each",
      landscape: .himmelblau(Himmelblau())),
    fixed(
      "booth", formula: "(x + 2y − 7)² + (2x + y − 5)²",
      summary: "a tilted quadratic bowl: Hessian [[10, 8], [8, 10]], eigenvalues 2 and 18, GD threshold η < 1/9",
      minimizerText: "(1, 3), f = 0", landscape: .booth(Booth())),
    fixed(
      "matyas", formula: "0.26·(x² + y²) − 0.48·x·y",
      summary: "a flat diagonal quadratic: eigenvalues 0.04 and 1 (κ = 25)", minimizerText: "(0, 0), f = 0",
      landscape: .matyas(Matyas())),
    fixed(
      "three-hump-camel", formula: "2x² − 1.05x⁴ + x⁶/6 + xy + y²",
      summary: "a global minimum between two local ones at ±(1.74755, −0.87378), f ≈ 0.29864",
      minimizerText: "(0, 0), f = 0", landscape: .threeHumpCamel(ThreeHumpCamel())),
    fixed(
      "six-hump-camel", formula: "(4 − 2.1x² + x⁴/3)·x² + xy + (−4 + 4y²)·y²",
      summary: "two global minima among six valleys",
      minimizerText: "(0.0898420131, −0.7126564030) and (−0.0898420131, 0.7126564030), f = −1.0316284535",
      landscape: .sixHumpCamel(SixHumpCamel())),
    LandscapePreset(
      name: "rastrigin", formula: "a·n + Σᵢ (xᵢ² − a·cos 2πxᵢ)",
      summary: "a bowl covered in local minima near the integer points (any dimension n)",
      options: [
        dimensionOption,
        .init("a", .number, default: .number(10), "amplitude of the ripples (≥ 0)"),
      ],
      minimizerText: "the origin, f = 0",
      build: { options throws(OptionError) in
        let dimension = try dimension(options)
        let a = options.number("a")
        guard a >= 0 else { throw OptionError(option: "a", "'a' must be at least 0") }
        return .rastrigin(Rastrigin(dimension: dimension, amplitude: a))
      }),
    LandscapePreset(
      name: "ackley", formula: "−a·exp(−b·√(Σᵢ xᵢ²/n)) − exp(Σᵢ cos(c·xᵢ)/n) + a + e",
      summary:
        "a nearly flat plate of ripples with a deep funnel; not differentiable at the minimum (a cone of slope a·b/√n)",
      options: [
        dimensionOption,
        .init("a", .number, default: .number(20), "depth of the funnel (> 0)"),
        .init("b", .number, default: .number(0.2), "steepness of the funnel (> 0)"),
        .init("c", .number, default: .number(2 * Double.pi), "frequency of the ripples"),
      ],
      minimizerText: "the origin, f = 0",
      build: { options throws(OptionError) in
        // Ackley's Hessian is dense: n² entries at the reference point.
        let dimension = try wholeNumber(options, "dimension", in: 1...1000)
        let (a, b, c) = (options.number("a"), options.number("b"), options.number("c"))
        guard a > 0 else { throw OptionError(option: "a", "'a' must be positive") }
        guard b > 0 else { throw OptionError(option: "b", "'b' must be positive") }
        return .ackley(Ackley(dimension: dimension, a: a, b: b, c: c))
      }),
    LandscapePreset(
      name: "styblinski-tang", formula: "½ Σᵢ (xᵢ⁴ − 16xᵢ² + 5xᵢ)",
      summary: "2ⁿ local minima near ±2.9 in each coordinate; the global one has every coordinate negative",
      options: [dimensionOption],
      minimizerText: "xᵢ = −2.903534027771177 for every i, f = −39.16616570377142·n",
      build: { options throws(OptionError) in .styblinskiTang(StyblinskiTang(dimension: try dimension(options))) }),
    fixed(
      "goldstein-price",
      formula:
        "[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]·[30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]",
      summary: "a steep landscape (values up to 10⁶ in [−2, 2]²) with several local minima",
      minimizerText: "(0, −1), f = 3", landscape: .goldsteinPrice(GoldsteinPrice())),
    fixed(
      "saddle", formula: "x² − y²",
      summary: "no minimum: GD converges to the saddle at the origin only from the x-axis",
      minimizerText: "none; critical point (0, 0) (a saddle), f = 0", landscape: .saddle(Saddle())),
    fixed(
      "monkey-saddle", formula: "x³ − 3xy²",
      summary: "no minimum: a degenerate critical point (zero Hessian) with three descending valleys",
      minimizerText: "none; critical point (0, 0) (degenerate), f = 0", landscape: .monkeySaddle(MonkeySaddle())),
    LandscapePreset(
      name: "least-squares", formula: "(1/2n)·‖Ax − y‖² over n generated samples",
      summary:
        "linear regression on data generated from the suite's seed: rows aᵢ ~ N(0, I), y = Aw + noise·ε; with batch_size, mini-batch SGD",
      options: [
        .init("samples", .number, default: .number(256), "n, the number of samples"),
        .init("features", .number, default: .number(2), "d, the number of features (the dimension)"),
        .init("noise", .number, default: .number(0.1), "σ of the noise in the targets (≥ 0)"),
        .init(
          "condition", .number, default: nil,
          "κ of the Hessian AᵀA/n, made exact (eigenvalues from 1 down to 1/κ; 2 features or more); raw N(0, I) features when absent"
        ),
      ],
      minimizerText: "the least-squares solution x̂ = (AᵀA)⁻¹Aᵀy, f = ‖Ax̂ − y‖²/2n",
      build: { options throws(OptionError) in
        let samples = try wholeNumber(options, "samples", in: 1...LeastSquaresOptions.maximumEntries)
        // The Hessian AᵀA/n is dense and decomposed by Jacobi rotations (O(d³) per sweep).
        let features = try wholeNumber(options, "features", in: 1...200)
        guard samples >= features else {
          throw OptionError(
            option: "samples", "'samples' (\(samples)) must be at least 'features' (\(features)) for a unique minimizer"
          )
        }
        guard samples * features <= LeastSquaresOptions.maximumEntries else {
          throw OptionError(
            option: "samples",
            "samples × features is \(samples * features), more than the \(LeastSquaresOptions.maximumEntries) numbers descent generates"
          )
        }
        let noise = options.number("noise")
        guard noise >= 0 else { throw OptionError(option: "noise", "'noise' must be at least 0") }
        var condition: Double?
        if options.isGiven("condition") {
          condition = options.number("condition")
          guard condition! >= 1 else { throw OptionError(option: "condition", "'condition' must be at least 1") }
          guard features > 1 || condition == 1 else {
            throw OptionError(
              option: "condition",
              "'condition' needs 2 features or more: with 1 the Hessian is a number, whose condition number is 1")
          }
        }
        return .leastSquares(
          LeastSquaresOptions(samples: samples, features: features, noise: noise, condition: condition))
      },
      plotRegionText: "x̂ ± 2 in every coordinate"),
  ]

  /// A preset without options.
  private static func fixed(
    _ name: String, formula: String, summary: String, minimizerText: String, landscape: AnyLandscape
  ) -> LandscapePreset {
    LandscapePreset(
      name: name, formula: formula, summary: summary, options: [], minimizerText: minimizerText,
      build: { _ throws(OptionError) in landscape })
  }

  private static let dimensionOption = OptionDeclaration(
    "dimension", .number, default: .number(2), "n, the number of coordinates")

  /// The `dimension` option as a whole number from 1 to 10 000.
  private static func dimension(_ options: OptionValues) throws(OptionError) -> Int {
    try wholeNumber(options, "dimension", in: 1...10_000)
  }

  /// A number option that must be a whole number in `range`.
  private static func wholeNumber(_ options: OptionValues, _ name: String, in range: ClosedRange<Int>)
    throws(OptionError) -> Int
  {
    let value = options.number(name)
    guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
      throw OptionError(
        option: name,
        "'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), found \(NumberText.shortest(value))"
      )
    }
    return Int(value)
  }
}

extension AnyLandscape {
  /// The landscape with its generated data drawn from `seed` (least squares); others are returned
  /// unchanged. The config layer seeds each instance's landscape with the suite's seed.
  public func seeded(_ seed: UInt64) -> AnyLandscape {
    guard case .leastSquares(var options) = self else { return self }
    options.seed = seed
    return .leastSquares(options)
  }
}
