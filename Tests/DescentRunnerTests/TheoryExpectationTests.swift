import DescentConfig
import DescentCore
import DescentRunner
import TestSupport
import Testing
import YAMLNode

/// Runs every instance of a suite written inline.
private func results(_ text: String) throws -> [InstanceResult] {
  let (suite, diagnostics) = ConfigLoader.load(text: text, file: "inline.yaml")
  guard let suite, diagnostics.isEmpty else { throw DiagnosticList(diagnostics) }
  return Runner.run(Runner.select([suite], filter: InstanceFilter(patterns: [])), jobs: 2)
}

/// Issue 6: theory expectations, searches and their failure messages.
@Suite struct TheoryExpectationTests {
  @Test func theoryPredictsEveryRegimeOfTheRotatedSweep() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: {preset: quadratic, eigenvalues: [1, 50], angle: 30}, start: [3, -2], steps: 3000}
      scenarios:
        - name: sweep
          sweep:
            lr: {linspace: [0.001, 0.05, 25]}
            optimizer: [sgd, {name: sgd, momentum: 0.5}]
          expect: {regime: theory}
        - name: thresholds
          cases:
            - {lr: 0.03996}
            - {lr: 0.04004}
            - {lr: 0.01998}
            - {lr: 0.02002}
            - {lr: 0.05994, optimizer: {name: sgd, momentum: 0.5}}
            - {lr: 0.06006, optimizer: {name: sgd, momentum: 0.5}}
          expect: {regime: theory}
      """)
    #expect(all.count == 56)
    #expect(all.allSatisfy { $0.status == .passed }, "\(all.filter { $0.status != .passed }.flatMap(\.failureReasons))")
    // Not vacuous: the sweep crosses several regimes, and the prediction is what is compared.
    let regimes = Set(all.compactMap { $0.outcome?.classification.regime })
    #expect(regimes.isSuperset(of: [.crawling, .monotone, .zigzag, .divergent]))
    #expect(all.allSatisfy { $0.theory?.prediction?.regime == $0.outcome?.classification.regime })
    let beyond = try #require(all.first { $0.instance.id == "t/thresholds[lr=0.04004]" })
    #expect(beyond.outcome?.classification.regime == .divergent)
    let below = try #require(all.first { $0.instance.id == "t/thresholds[lr=0.03996]" })
    #expect(below.outcome?.classification.regime == .zigzag)
  }

  @Test func criticalLearningRateOfAParabolaIsOneOverA() throws {
    let all = try results(
      """
      suite: t
      scenarios:
        - name: parabola
          landscape: parabola
          start: [1]
          sweep: {landscape.a: [0.5, 1, 2, 5]}
          find: {critical_lr: {between: [1.0e-4, 10]}}
      """)
    for (result, a) in zip(all, [0.5, 1, 2, 5]) {
      let found = try #require(result.searches.first?.value)
      #expect(abs(found - 1 / a) <= 1e-9 / a, "a = \(a): \(found)")
    }
  }

  /// Heavy ball 2(1 + β)/λ_max and Nesterov (2 + 2β)/((1 + 2β)λ_max) on the ravine, whatever the
  /// scenario's steps: at β = 0.99 a slow mode rotates once in ~470 steps and its transient takes
  /// thousands to fade, which the search's lengthening runs wait out.
  @Test func criticalLearningRateOfMomentumMatchesItsFormulas() throws {
    let all = try results(
      """
      suite: t
      scenarios:
        - name: ravine
          landscape: ravine
          start: [-4, 1]
          sweep:
            steps: [50, 200]
            optimizer.momentum: [0.9, 0.99]
            optimizer.nesterov: [false, true]
          optimizer: sgd
          find: {critical_lr: {between: [1.0e-4, 1]}}
      """)
    #expect(all.count == 8)
    for result in all {
      guard case .sgd(let sgd) = result.instance.problem.optimizer else { continue }
      let beta = sgd.momentum
      let expected = sgd.nesterov ? (2 + 2 * beta) / ((1 + 2 * beta) * 200) : 2 * (1 + beta) / 200
      let found = try #require(result.searches.first?.value, "\(result.instance.id)")
      #expect(relativeError(found, expected) <= 1e-9, "\(result.instance.id): \(found)")
    }
  }

  /// Beyond 2/f''(0), √(1 + x²) settles into a bounded 2-cycle away from x*: its steps keep their
  /// size, so the search counts it unstable (before, it answered "lr = 10 is still stable"). Just
  /// above 2 the run first decays (the curvature is lower at 0.5) and grows back only slowly, so
  /// runs of at most 2¹⁶ steps place the boundary within 1e-3 of 2. A run that settles off a
  /// slightly wrong `minimum:` is stable all the same.
  @Test func criticalLearningRateSeesBoundedCyclesAndIgnoresAnInexactMinimum() throws {
    let all = try results(
      """
      suite: t
      scenarios:
        - {name: cycle, landscape: {expr: "sqrt(1 + x^2)"}, start: [0.5], find: {critical_lr: {between: [0.1, 10]}}}
        - {name: offset, landscape: {expr: "x^2", minimum: [1.0e-7]}, start: [1], find: {critical_lr: {between: [0.1, 10]}}}
      """)
    let cycle = try #require(all[0].searches.first?.value)
    #expect(relativeError(cycle, 2) <= 1e-3 && cycle > 2, "\(cycle)")
    let offset = try #require(all[1].searches.first?.value)
    #expect(relativeError(offset, 1) <= 1e-9, "\(offset)")
  }

  @Test func bestLearningRateIsNearTwoOverTheEigenvalueSum() throws {
    let all = try results(
      """
      suite: t
      scenarios:
        - name: q
          landscape: {preset: quadratic, eigenvalues: [2, 200]}
          start: [1, 1]
          steps: 2000
          find: {best_lr: {between: [1.0e-4, 1]}}
          expect: {best_lr: {near: theory, rel: 0.05}}
      """)
    let found = try #require(all[0].searches.first?.value)
    #expect(relativeError(found, 2.0 / 202) <= 0.05)
    #expect(all[0].status == .passed)
  }

  @Test func failingTheoryRegimeSaysWhatTheoryPredicted() throws {
    let all = try results(
      "suite: t\nscenarios:\n  - {name: p, landscape: parabola, start: [1.5], steps: 400, lr: 0.8, expect: {regime: monotone}}\n"
        + "  - {name: q, landscape: parabola, start: [1.5], steps: 400, lr: 0.8, expect: {regime: theory}}\n")
    #expect(all[0].failureReasons == ["expected regime monotone, measured oscillating"])
    #expect(all[1].status == .passed)
    #expect(all[1].expectations[0].expected == "theory (oscillating: 1 − ηλ = -0.6)")
  }

  @Test func theoryDoesNotApplyToWeightDecayAwayFromTheOrigin() throws {
    let all = try results(
      """
      suite: t
      scenarios:
        - name: shifted
          landscape: {preset: quadratic, eigenvalues: [2, 200], center: [1, 1]}
          start: [0, 0]
          optimizer: {name: sgd, weight_decay: 0.1}
          lr: 0.001
          expect: {regime: theory}
      """)
    #expect(
      all[0].failureReasons == [
        "expected regime theory, measured theory does not apply: weight decay moves the fixed point away from x* ≠ 0; theory does not apply"
      ])
  }

  @Test func searchesFailClearlyOnABadBracket() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: parabola, start: [1]}
      scenarios:
        - {name: low, find: {critical_lr: {between: [2, 10]}}, expect: {critical_lr: theory}}
        - {name: high, find: {critical_lr: {between: [1.0e-3, 0.5]}}, expect: {critical_lr: theory}}
        - {name: never, steps: 5, find: {best_lr: {between: [1.0e-6, 1.0e-5]}}, expect: {best_lr: {max: 1}}}
      """)
    #expect(
      all[0].failureReasons == [
        "expected critical_lr theory (1) within 1e-6 relative, measured the search failed: the bracket's lower end lr=2 is already unstable"
      ])
    #expect(
      all[1].failureReasons == [
        "expected critical_lr theory (1) within 1e-6 relative, measured the search failed: the bracket's upper end lr=0.5 is still stable"
      ])
    #expect(
      all[2].failureReasons == [
        "expected best_lr at most 1, measured the search failed: no lr in [1e-6, 1e-5] reaches tolerance within the steps"
      ])
  }

  /// `final_point` against whichever of Himmelblau's four minima the run ends nearest.
  @Test func finalPointNearestMinimizerNamesTheBasin() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: himmelblau, lr: 0.01, start: [-3, 3]}
      scenarios:
        - {name: any, steps: 2000, expect: {final_point: {near: nearest_minimizer, within: 1.0e-6}}}
        - {name: basin, steps: 2, expect: {final_point: {nearest_minimizer: [-2.805118, 3.131313]}}}
        - {name: wrong, steps: 2000, expect: {final_point: {nearest_minimizer: [3, 2], within: 1.0e-6}}}
        - {name: short, steps: 2, expect: {final_point: {near: nearest_minimizer, within: 1.0e-6}}}
      """)
    #expect(all[0].status == .passed)
    #expect(all[1].status == .passed, "after 2 steps the run is in the basin, not yet at the minimum")
    #expect(
      all[2].failureReasons.first?.hasPrefix(
        "expected final_point nearest minimizer [3,2], within 1e-6 of it, measured [-2.80511") == true)
    #expect(
      all[2].expectations[0].measured.contains("(nearest minimizer [-2.805118086952745,3.131312518250573], distance"))
    #expect(all[3].status == .failed)
  }

  /// A landscape that lists no minimizers: the estimated x* counts as a minimizer only when it is one.
  @Test func nearestMinimizerRefusesASaddleItEndedAt() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: {expr: "(x^2 - 1)^2 + y^2"}, lr: 0.1, expect: {final_point: {near: nearest_minimizer, within: 1.0e-6}}}
      scenarios:
        - {name: saddle, start: [0, 1]}
        - {name: well, start: [0.5, 1]}
      """)
    #expect(
      all[0].failureReasons == [
        "expected final_point near a minimizer, measured [0,4.14951556888099e-20], near the critical point [0,0], which is not a minimum (Hessian eigenvalues [-4,2])"
      ])
    #expect(all[1].status == .passed)
  }

  /// Every way a `faster_than` can fail says which runs it compared and how.
  @Test func fasterThanFailuresSayWhatWasCompared() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: ravine, start: [-4, 1], lr: 0.009, steps: 2000}
      scenarios:
        - {name: sgd}
        - {name: short-sgd, steps: 300}
        - name: heavy
          optimizer: {name: sgd, momentum: 0.9}
          expect: {faster_than: {scenario: sgd, factor: 4}}
        - name: heavy-short
          optimizer: {name: sgd, momentum: 0.9}
          steps: 100
          expect: {faster_than: {scenario: sgd, factor: 2}}
        - name: heavy-vs-unconverged
          optimizer: {name: sgd, momentum: 0.9}
          expect: {faster_than: {scenario: short-sgd, factor: 2}}
        - name: heavy-vs-unconverged-by-far
          optimizer: {name: sgd, momentum: 0.9}
          expect: {faster_than: {scenario: short-sgd, factor: 1}}
      """)
    let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.instance.scenario, $0) })
    // Steps to tolerance 257 with momentum vs 759 without: 2.95×, not 4×.
    #expect(
      byName["heavy"]?.failureReasons == [
        "expected faster_than at least 4× fewer steps to tolerance than sgd, measured 257 steps vs 759 for t/sgd (2.95331×)"
      ])
    #expect(
      byName["heavy-short"]?.failureReasons == [
        "expected faster_than at least 2× fewer steps to tolerance than sgd, measured not converged within 100 steps (oscillating)"
      ])
    // sgd stopped at 300 steps without converging: heavy ball's 257 × 2 = 514 may or may not beat
    // it, so the claim fails; × 1 = 257 < 300 holds.
    #expect(
      byName["heavy-vs-unconverged"]?.failureReasons == [
        "expected faster_than at least 2× fewer steps to tolerance than short-sgd, measured 257 steps; t/short-sgd did not converge within 300 steps"
      ])
    #expect(byName["heavy-vs-unconverged-by-far"]?.status == .passed)
  }

  @Test func theoryThatCannotAnswerSaysWhy() throws {
    let all = try results(
      """
      suite: t
      scenarios:
        - name: never-converges
          landscape: parabola
          start: [1.5]
          lr: 0.0005
          steps: 100
          expect: {steps_to_tolerance: theory}
        - name: converges-against-theory
          landscape: {expr: "x^2 + x^4", minimum: [0]}
          start: [1.5]
          lr: 0.05
          steps: 125
          expect: {steps_to_tolerance: theory}
        - name: kink
          landscape: {expr: "sqrt(x^2 + y^2)", minimum: [0, 0]}
          start: [0.3, 0.4]
          lr: 0.01
          expect: {regime: theory}
      """)
    // Neither converges within 100 steps: theory and the run agree.
    #expect(all[0].status == .passed, "\(all[0].failureReasons)")
    #expect(all[0].expectations[0].expected == "theory ± 1 (theory: not converged within 100 steps)")
    #expect(all[0].expectations[0].measured == "not converged (crawling)")
    // The quartic term speeds the real run (121 steps) past the local theory's 132.
    #expect(
      all[1].failureReasons == [
        "expected steps_to_tolerance theory ± 1 (theory: not converged within 125 steps), measured 121"
      ])
    #expect(
      all[2].failureReasons == [
        "expected regime theory, measured theory does not apply: f has no Hessian at x* (a kink); theory does not apply"
      ])
  }

  /// The Hessian's spectrum at x* is a fact of f: checked under Adam or a schedule too, and not
  /// shifted by weight decay (theory's thresholds are).
  @Test func hessianFactsHoldForAnyOptimizer() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: ravine, start: [-4, 1], expect: {condition_number: {near: 100, within: 0}, hessian_eigenvalues: {near: [2, 200], within: 0}}}
      scenarios:
        - {name: adam, optimizer: adam, lr: {schedule: cosine, lr: 0.01}}
        - {name: decayed, optimizer: {name: sgd, weight_decay: 1}, lr: 0.001}
      """)
    #expect(all.allSatisfy { $0.status == .passed }, "\(all.flatMap(\.failureReasons))")
    #expect(all[1].theory?.theory.eigenvalues == [3, 201], "theory sees H + wd·I")
  }

  @Test func aFailedSearchFailsTheInstanceEvenWithoutAnExpectation() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: parabola, start: [1]}
      scenarios:
        - {name: bad, find: {critical_lr: {between: [2, 10]}}}
        - {name: good, find: {critical_lr: {between: [0.1, 10]}}}
      """)
    #expect(
      all[0].failureReasons == [
        "expected find.critical_lr a value in [2, 10], measured the search failed: the bracket's lower end lr=2 is already unstable"
      ])
    #expect(all[0].expectations.first?.mark.line == 4)
    #expect(all[1].status == .passed)
    #expect(abs((all[1].searches.first?.value ?? 0) - 1) <= 1e-9)
  }

  @Test func contractionRateIsMeasuredAndComparedWithTheory() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: parabola, start: [1.5], steps: 400}
      scenarios:
        - {name: slow, lr: 0.05, expect: {contraction_rate: theory, steps_to_tolerance: theory}}
        - {name: one-step, lr: 0.5, expect: {contraction_rate: {max: 1}}}
        - {name: wrong, lr: 0.05, expect: {contraction_rate: {near: 0.5, rel: 0.01}}}
      """)
    // A single gradient-descent mode contracts by exactly |1 − ηλ| = 0.9 per step.
    #expect(abs((all[0].contractionRate ?? 0) - 0.9) < 1e-12)
    #expect(all[0].status == .passed)
    #expect(
      all[1].failureReasons == ["expected contraction_rate at most 1, measured not measurable (the run is too short)"])
    #expect(all[2].failureReasons == ["expected contraction_rate 0.5 within 0.01 relative, measured 0.9"])
  }

  @Test func theoryQuantitiesAreChecked() throws {
    let all = try results(
      """
      suite: t
      defaults: {landscape: ravine, start: [-4, 1]}
      scenarios:
        - name: ok
          expect:
            condition_number: {near: 100, within: 0}
            divergence_threshold: {near: 0.01, within: 0}
            optimal_lr: {near: 0.009900990099009901, rel: 1.0e-15}
            hessian_eigenvalues: {near: [2, 200], within: 0}
        - {name: wrong, expect: {hessian_eigenvalues: {near: [1, 100], within: 0.5}}}
        - {name: saddle, landscape: {preset: quadratic, eigenvalues: [-1, 1]}, expect: {condition_number: {max: 10}}}
      """)
    #expect(all[0].status == .passed)
    #expect(all[1].failureReasons == ["expected hessian_eigenvalues [1,100] ± 0.5, measured [2,200]"])
    #expect(
      all[2].failureReasons == [
        "expected condition_number at most 10, measured undefined (the Hessian at x* is not positive definite)"
      ])
  }
}
