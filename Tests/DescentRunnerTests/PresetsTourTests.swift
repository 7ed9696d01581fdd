import DescentConfig
import DescentCore
import DescentRunner
import TestSupport
import Testing

/// Issue 4, acceptance 3: the shipped tour runs gradient descent into every listed minimizer of
/// every preset (each with its defaults), and every such scenario passes.
@Suite struct PresetsTourTests {
  @Test func theTourReachesEveryMinimizerOfEveryPreset() throws {
    let (suite, diagnostics) = ConfigLoader.load(file: PackagePaths.path("configs/presets-tour.yaml"))
    let tour = try #require(suite, "\(diagnostics)")
    let results = Runner.run(Runner.select([tour], filter: InstanceFilter(patterns: [])), jobs: 2)
    #expect(results.allSatisfy { $0.status == .passed }, "\(results.flatMap(\.failureReasons))")

    // Where each instance's expectation says its run ends, by landscape.
    var targets: [(landscape: AnyLandscape, point: [Double], within: Double)] = []
    for result in results {
      for expectation in result.instance.expectations {
        if case .finalPoint(let point, let within) = expectation.check {
          targets.append((result.instance.problem.landscape, point, within))
        }
      }
    }
    var checked = 0
    // quadratic has no defaults (its eigenvalues are required) and least-squares is drawn from the seed.
    for preset in LandscapeCatalog.presets where !["quadratic", "least-squares"].contains(preset.name) {
      let landscape = try preset.build(OptionValues(declarations: preset.options, given: []))
      // The minimizers; on the saddles, which have none, the critical point.
      let known = landscape.landscape
      let points = known.minimizers.isEmpty ? known.otherCriticalPoints : known.minimizers
      for point in points {
        let reached = targets.contains { target in
          target.landscape == landscape && target.within <= 1e-6
            && zip(target.point, point).allSatisfy { abs($0 - $1) <= 1e-6 }
        }
        #expect(reached, "\(preset.name): no tour scenario ends at \(point)")
        checked += 1
      }
    }
    #expect(checked == 20, "the catalogue lists \(checked) minimizers and critical points")
  }
}
