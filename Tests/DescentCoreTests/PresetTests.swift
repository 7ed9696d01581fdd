import DescentCore
import Foundation
import TestSupport
import Testing

/// Every preset against automatic differentiation of its written formula, its minimizers against
/// ∇f = 0, and its Hessians at the minima against the reference values (issue 4, acceptance 1).
@Suite struct PresetTests {
  /// Every preset, built with its defaults and with other option values.
  static let builtPresets: [(name: String, landscape: AnyLandscape)] = {
    let variants: [String: [[(String, OptionValue)]]] = [
      "parabola": [[], [("a", .number(3))]],
      "ravine": [[], [("ratio", .number(10))]],
      "quadratic": [
        [("eigenvalues", .numbers([1, 50])), ("angle", .number(30)), ("center", .numbers([1, -2]))],
        [("eigenvalues", .numbers([2, 3, 5]))],
      ],
      "rosenbrock": [[], [("a", .number(2)), ("b", .number(10))]],
      "rastrigin": [[], [("dimension", .number(5)), ("a", .number(3))]],
      "ackley": [[], [("dimension", .number(3)), ("a", .number(5)), ("b", .number(0.5)), ("c", .number(3))]],
      "styblinski-tang": [[], [("dimension", .number(4))]],
      "least-squares": [[], [("samples", .number(64)), ("features", .number(3)), ("condition", .number(100))]],
    ]
    var built: [(String, AnyLandscape)] = []
    for preset in LandscapeCatalog.presets {
      for given in variants[preset.name] ?? [[]] {
        let landscape = try! preset.build(OptionValues(declarations: preset.options, given: given))
        built.append((preset.name, landscape.seeded(7)))
      }
    }
    return built
  }()

  /// The formula compiled as an expression over the landscape's default variable names.
  private func automaticDifferentiation(of landscape: any Landscape) throws -> ExpressionLandscape {
    let formula = try #require(landscape as? any ExpressionConvertible, "\(type(of: landscape)) has no formula")
    return try ExpressionLandscape(
      formula.expressionText, variables: LandscapeVariables.defaultNames(dimension: landscape.dimension))
  }

  private func frobeniusRelativeError(_ value: SymmetricMatrix, _ reference: SymmetricMatrix) -> Double {
    relativeError(value.rows.flatMap { $0 }, reference.rows.flatMap { $0 })
  }

  @Test func everyPresetIsCovered() {
    #expect(Set(Self.builtPresets.map(\.name)) == Set(LandscapeCatalog.presets.map(\.name)))
    #expect(
      LandscapeCatalog.presets.map(\.name) == [
        "parabola", "bowl", "ravine", "quadratic", "rosenbrock", "beale", "himmelblau", "booth", "matyas",
        "three-hump-camel", "six-hump-camel", "rastrigin", "ackley", "styblinski-tang", "goldstein-price", "saddle",
        "monkey-saddle", "least-squares",
      ])
  }

  @Test(arguments: builtPresets.indices)
  func gradientAndHessianEqualAutomaticDifferentiationOfTheFormula(_ index: Int) throws {
    let (name, anyLandscape) = Self.builtPresets[index]
    let landscape = anyLandscape.landscape
    let formula = try automaticDifferentiation(of: landscape)
    let box = anyLandscape.suggestedViewBox
    var random = SplitMix64(seed: 0x5EED_0000 + UInt64(index))
    var worst = (value: 0.0, gradient: 0.0, hessian: 0.0)
    for _ in 0..<100 {
      let point = box.ranges.map { $0.lowerBound + ($0.upperBound - $0.lowerBound) * random.nextUnitInterval() }
      let (value, gradient) = landscape.valueAndGradient(at: point)
      let (adValue, adGradient) = formula.valueAndGradient(at: point)
      worst.value = max(worst.value, relativeError(value, adValue))
      worst.gradient = max(worst.gradient, relativeError(gradient, adGradient))
      worst.hessian = max(
        worst.hessian, frobeniusRelativeError(landscape.hessian(at: point), formula.hessian(at: point)))
    }
    #expect(worst.value <= 1e-12, "\(name): f")
    #expect(worst.gradient <= 1e-12, "\(name): ∇f")
    #expect(worst.hessian <= 1e-12, "\(name): ∇²f")
  }

  @Test(arguments: builtPresets.indices)
  func gradientVanishesAtEveryMinimizerAndCriticalPoint(_ index: Int) throws {
    let (name, anyLandscape) = Self.builtPresets[index]
    let landscape = anyLandscape.landscape
    let formula = try automaticDifferentiation(of: landscape)
    let points = landscape.minimizers + landscape.otherCriticalPoints
    #expect(!points.isEmpty, "\(name) knows no point to measure against")
    for point in points {
      let norm = landscape.gradient(at: point).reduce(0) { $0 + $1 * $1 }.squareRoot()
      let formulaNorm = formula.gradient(at: point).reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(norm <= 1e-9, "\(name) at \(point): ‖∇f‖ = \(norm)")
      if name == "ackley" {
        // The formula's √(Σxᵢ²/n) has no derivative at the origin: AD says so (0·∞), and the
        // preset takes the least-norm subgradient 0 (see `Ackley`).
        #expect(formulaNorm.isNaN)
      } else {
        #expect(formulaNorm <= 1e-9, "\(name) at \(point): ‖∇f‖ of the formula = \(formulaNorm)")
      }
    }
  }

  @Test func minimaAreMinimaAndSaddlesAreNot() {
    for (name, anyLandscape) in Self.builtPresets {
      let landscape = anyLandscape.landscape
      for point in landscape.minimizers where name != "ackley" {  // a kink: no Hessian (below)
        let eigenvalues = SymmetricEigendecomposition(landscape.hessian(at: point)).eigenvalues
        #expect(eigenvalues.allSatisfy { $0 > 0 }, "\(name) at \(point): eigenvalues \(eigenvalues)")
      }
    }
    let saddle = Saddle()
    #expect(SymmetricEigendecomposition(saddle.hessian(at: [0, 0])).eigenvalues == [-2, 2])
    #expect(MonkeySaddle().hessian(at: [0, 0]).rows == [[0, 0], [0, 0]])
  }

  /// Hessians at the minima: reference values of optimizers-and-theory.md §6 (printed to 6
  /// significant digits, hence the tolerance) and values computed by hand.
  @Test func hessiansAtTheMinimaMatchTheReference() {
    func check(_ landscape: some Landscape, at point: [Double], _ expected: [[Double]], within tolerance: Double) {
      let rows = landscape.hessian(at: point).rows
      for i in 0..<expected.count {
        for j in 0..<expected.count {
          #expect(abs(rows[i][j] - expected[i][j]) <= tolerance, "\(type(of: landscape)) at \(point) [\(i)][\(j)]")
        }
      }
    }
    check(Rosenbrock(), at: [1, 1], [[802, -400], [-400, 200]], within: 0)
    check(Rosenbrock(a: 2, b: 10), at: [2, 4], [[2 + 8 * 10 * 4, -80], [-80, 20]], within: 0)
    check(Beale(), at: [3, 0.5], [[3.15625, -11.4375], [-11.4375, 46.125]], within: 1e-13)
    check(Booth(), at: [1, 3], [[10, 8], [8, 10]], within: 0)
    let himmelblau = Himmelblau()
    check(himmelblau, at: [3, 2], [[74, 20], [20, 34]], within: 0)
    check(himmelblau, at: himmelblau.minimizers[1], [[64.9495, 1.30478], [1.30478, 80.4409]], within: 5e-5)
    check(himmelblau, at: himmelblau.minimizers[2], [[116.2655, -28.2500], [-28.2500, 88.2345]], within: 5e-5)
    check(himmelblau, at: himmelblau.minimizers[3], [[104.7850, 6.94521], [6.94521, 29.3246]], within: 5e-5)
    check(Matyas(), at: [0, 0], [[0.52, -0.48], [-0.48, 0.52]], within: 0)
    check(ThreeHumpCamel(), at: [0, 0], [[4, 1], [1, 2]], within: 0)
    // Six-hump camel: [[8 − 25.2x² + 10x⁴, 1], [1, −8 + 48y²]] at the Newton-refined minimum.
    let sixHump = SixHumpCamel()
    for minimizer in sixHump.minimizers {
      check(sixHump, at: minimizer, [[7.7972475048067811, 1], [1, 16.378199140790026]], within: 1e-12)
    }
    // Goldstein–Price: Q∇²P + P∇²Q at (0, −1), where P = 1, Q = 3, ∇²P = 72 everywhere and
    // ∇²Q = [[288, −432], [−432, 648]].
    check(GoldsteinPrice(), at: [0, -1], [[504, -216], [-216, 864]], within: 1e-12)
    // Rastrigin: 2 + 4π²A per direction; Styblinski–Tang: 6t² − 16 at t = −2.903534…
    check(
      Rastrigin(), at: [0, 0], [[2 + 40 * Double.pi * Double.pi, 0], [0, 2 + 40 * Double.pi * Double.pi]], within: 1e-12
    )
    check(
      StyblinskiTang(), at: StyblinskiTang().minimizers[0], [[34.583059102550688, 0], [0, 34.583059102550688]],
      within: 1e-12)
    // Ackley at its kink has no Hessian (the cone's curvature is unbounded), as AD of the formula says.
    #expect(Ackley().hessian(at: [0, 0]).rows.flatMap { $0 }.allSatisfy { $0.isNaN })
    #expect(Ackley(dimension: 3).hessian(at: [0, 0, 0]).rows.flatMap { $0 }.allSatisfy { $0.isNaN })
    check(Saddle(), at: [0, 0], [[2, 0], [0, -2]], within: 0)
  }

  @Test func eigenvaluesAndThresholdsMatchTheReference() {
    // optimizers-and-theory.md §6: eigenvalues and 2/λ_max at the minima.
    let cases: [(any Landscape, [Double], [Double], Double)] = [
      (Rosenbrock(), [1, 1], [0.3993608, 1001.6006], 0.0019968),
      (Beale(), [3, 0.5], [0.301464, 48.97979], 0.0408332),
      (Himmelblau(), [3, 2], [25.7157, 82.2843], 0.0243060),
      (Himmelblau(), Himmelblau().minimizers[1], [64.8404, 80.5501], 0.0248293),
      (Himmelblau(), Himmelblau().minimizers[2], [70.7144, 133.7856], 0.0149493),
      (Himmelblau(), Himmelblau().minimizers[3], [28.6907, 105.4189], 0.0189719),
      (Booth(), [1, 3], [2, 18], 1.0 / 9),
    ]
    for (landscape, point, eigenvalues, threshold) in cases {
      let measured = SymmetricEigendecomposition(landscape.hessian(at: point)).eigenvalues
      for (value, reference) in zip(measured, eigenvalues) {
        #expect(relativeError(value, reference) <= 5e-6, "\(type(of: landscape)) at \(point)")
      }
      #expect(relativeError(2 / measured.last!, threshold) <= 5e-6, "\(type(of: landscape)) at \(point)")
    }
  }

  @Test func minimumValuesMatchTheReference() {
    #expect(Beale().value(at: [3, 0.5]) == 0)
    #expect(GoldsteinPrice().value(at: [0, -1]) == 3)
    for minimizer in SixHumpCamel().minimizers {
      #expect(relativeError(SixHumpCamel().value(at: minimizer), -1.0316284534898773504) <= 1e-15)
    }
    for dimension in [1, 2, 5] {
      let landscape = StyblinskiTang(dimension: dimension)
      #expect(
        relativeError(landscape.value(at: landscape.minimizers[0]), -39.16616570377141546 * Double(dimension))
          <= 1e-15)
    }
    for point in Himmelblau().minimizers { #expect(Himmelblau().value(at: point) <= 1e-28) }
    #expect(abs(Ackley().value(at: [0, 0])) <= 1e-15)
    #expect(Rastrigin(dimension: 3).value(at: [0, 0, 0]) == 0)
    // Himmelblau's local maximum (reference: f = 181.617).
    #expect(abs(Himmelblau().value(at: Himmelblau().otherCriticalPoints[0]) - 181.617) <= 5e-4)
  }

  @Test func viewBoxesAreTheUsualDomains() {
    #expect(AnyLandscape.rosenbrock(Rosenbrock()).suggestedViewBox == ViewBox([-2...2, -1...3]))
    #expect(AnyLandscape.himmelblau(Himmelblau()).suggestedViewBox.description == "x ∈ [-5, 5], y ∈ [-5, 5]")
    #expect(
      AnyLandscape.rastrigin(Rastrigin(dimension: 3)).suggestedViewBox.ranges == [
        -5.12...5.12, -5.12...5.12, -5.12...5.12,
      ])
    #expect(AnyLandscape.sixHumpCamel(SixHumpCamel()).suggestedViewBox == ViewBox([-2...2, -1...1]))
    // Every minimizer lies inside its preset's box.
    for (name, landscape) in Self.builtPresets {
      let box = landscape.suggestedViewBox
      for point in landscape.landscape.minimizers {
        #expect(zip(point, box.ranges).allSatisfy { $1.contains($0) }, "\(name): \(point) outside \(box)")
      }
    }
  }

  @Test func optionsAreValidated() throws {
    func message(_ name: String, _ given: [(String, OptionValue)]) -> String? {
      let preset = LandscapeCatalog.preset(named: name)!
      do {
        _ = try preset.build(OptionValues(declarations: preset.options, given: given))
        return nil
      } catch {
        return "\(error.option ?? ""): \(error.message)"
      }
    }
    #expect(message("rosenbrock", [("b", .number(-1))]) == "b: 'b' must be positive (b ≤ 0 has no minimum)")
    #expect(
      message("rastrigin", [("dimension", .number(2.5))])
        == "dimension: 'dimension' must be a whole number from 1 to 10000, found 2.5")
    #expect(message("ackley", [("b", .number(0))]) == "b: 'b' must be positive")
    #expect(
      message("least-squares", [("samples", .number(2)), ("features", .number(3))])
        == "samples: 'samples' (2) must be at least 'features' (3) for a unique minimizer")
    #expect(message("least-squares", [("condition", .number(0.5))]) == "condition: 'condition' must be at least 1")
    #expect(message("least-squares", []) == nil)
    // One feature: the Hessian is a number, and a condition number other than 1 cannot be had.
    #expect(
      message("least-squares", [("features", .number(1)), ("condition", .number(10))])
        == "condition: 'condition' needs 2 features or more: with 1 the Hessian is a number, whose condition number is 1"
    )
    #expect(message("least-squares", [("features", .number(1)), ("condition", .number(1))]) == nil)
    #expect(
      message("least-squares", [("features", .number(201)), ("samples", .number(1000))])
        == "features: 'features' must be a whole number from 1 to 200, found 201")
    #expect(
      message("ackley", [("dimension", .number(1001))])
        == "dimension: 'dimension' must be a whole number from 1 to 1000, found 1001")
  }
}
