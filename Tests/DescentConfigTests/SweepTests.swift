import DescentCore
import Testing
import YAMLNode

@testable import DescentConfig

/// The values of a generator written as `text`.
private func grid(_ text: String) throws -> [Double] {
  let node = try #require(try YAMLReader.parse("g: \(text)\n").root?["g"])
  var decoding = Decoding()
  let grid = NumberGrid.decode(node, decoding: &decoding)
  #expect(decoding.diagnostics.isEmpty)
  return try #require(grid).values
}

/// The rendered problems of a generator written as `text` (after `g: `) that is refused.
private func gridProblems(_ text: String) throws -> [String] {
  let node = try #require(try YAMLReader.parse("g: \(text)\n").root?["g"])
  var decoding = Decoding()
  #expect(NumberGrid.decode(node, decoding: &decoding) == nil)
  return decoding.diagnostics.map(\.description)
}

/// The ids of the only scenario of a one-scenario suite whose scenario has `keys` added.
private func ids(_ keys: String) throws -> [String] {
  let suite = try loadSuite("suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n" + keys)
  return try #require(suite.scenarios.first).instances.map(\.id)
}

/// Generators: exact values, counts and the limits on them.
@Suite struct NumberGridTests {
  @Test func rangeHasNoAccumulatedDriftAndIncludesItsEnd() throws {
    // 0.1 + 2·0.1 would be 0.30000000000000004 and 0.1 + 6·0.1 0.7000000000000001.
    #expect(try grid("{range: [0.1, 0.7, 0.1]}") == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    #expect(try grid("{range: [0, 1, 0.25]}") == [0, 0.25, 0.5, 0.75, 1])
    #expect(try grid("{range: [1, 10, 3]}") == [1, 4, 7, 10])
    #expect(try grid("{range: [100, 300, 100]}") == [100, 200, 300])
    #expect(try grid("{range: [0x0, 0x10, 0x4]}") == [0, 4, 8, 12, 16])
    #expect(try grid("{range: [1e-3, 5e-3, 1e-3]}") == [0.001, 0.002, 0.003, 0.004, 0.005])
  }

  @Test func rangeStopsBeforeAnEndOffTheGrid() throws {
    #expect(try grid("{range: [0, 1, 0.3]}") == [0, 0.3, 0.6, 0.9])
    #expect(try grid("{range: [0.5, 0.5, 0.1]}") == [0.5])
  }

  @Test func rangeWithANegativeStepCountsDown() throws {
    // 0.3 − 0.1 would be 0.19999999999999998.
    #expect(try grid("{range: [0.3, 0.1, -0.1]}") == [0.3, 0.2, 0.1])
    #expect(try grid("{range: [5, -5, -2.5]}") == [5, 2.5, 0, -2.5, -5])
  }

  @Test func decimalsAreExactWhateverTheirExponent() throws {
    // Scale 20 (more than 18 places): 3e-20, not 1e-20 + 2·1e-20 = 2.9999999999999997e-20.
    #expect(try grid("{range: [1e-20, 5e-20, 1e-20]}") == [1e-20, 2e-20, 3e-20, 4e-20, 5e-20])
    #expect(try grid("{range: [0.3e-30, 0.1e-30, -0.1e-30]}") == [3e-31, 2e-31, 1e-31])
    #expect(try grid("{range: [1e20, 5e20, 1e20]}") == [1e20, 2e20, 3e20, 4e20, 5e20])
    #expect(try grid("{range: [0, 3e300, 1e300]}") == [0, 1e300, 2e300, 3e300])
    #expect(try grid("{linspace: [1e-20, 3e-20, 5]}") == [1e-20, 1.5e-20, 2e-20, 2.5e-20, 3e-20])
    // Thirds of 1e-20 and 1e20 are not decimals: each is the double nearest the exact value.
    #expect(
      try grid("{linspace: [1e-20, 2e-20, 4]}") == [
        1e-20, 1.333333333333333333333333333333333333333e-20, 1.666666666666666666666666666666666666667e-20, 2e-20,
      ])
    #expect(
      try grid("{linspace: [-2e20, -1e20, 4]}") == [
        -2e20, -1.666666666666666666666666666666666666667e20, -1.333333333333333333333333333333333333333e20, -1e20,
      ])
    #expect(try grid("{logspace: [-30, -28, 3]}") == [1e-30, 1e-29, 1e-28])
    // The count is exact too: (1e308 − (−1e308)) / 1e300 intervals.
    #expect(
      try gridProblems("{range: [-1e308, 1e308, 1e300]}") == [
        "1:28: error: 'range' would produce 200000001 values, more than 10000000"
      ])
  }

  @Test func quotientsFromDigitsAgreeWithExactDivision() {
    // Where numerator and denominator are doubles (≤ 2^53), one division rounds the exact
    // quotient: the digit route must give the same double.
    var generator = SplitMix64(seed: 7)
    for trial in 0..<3000 {
      let intervals = Int(generator.next() % 999) + 2
      let index = Int(generator.next() % UInt64(intervals))
      if trial % 3 == 1 {
        // Beyond 2^54, where doubles are whole numbers, 2 or more apart: (start + index·step/
        // intervals)·10^k = m + r/intervals rounds like m, except up from a midpoint m when r > 0.
        // |x| in [1000, 5000], so |x|·1e14 ≥ 1e17 > 2^54, and |x|·1e14·intervals < 2^63.
        let intervals = Int(generator.next() % 17) + 2
        let index = Int(generator.next() % UInt64(intervals))
        let power = 14
        let start = (Int(generator.next() % 2001) + 2000) * (generator.next() % 2 == 0 ? 1 : -1)
        let step = Int(generator.next() % 2001) - 1000
        var numerator = start * intervals + index * step
        for _ in 0..<power { numerator *= 10 }
        let (m, r) = (numerator.magnitude / UInt(intervals), numerator.magnitude % UInt(intervals))
        var rounded = Double(m)
        if UInt(rounded) != m, r > 0 {
          let (low, high) =
            UInt(rounded) < m ? (UInt(rounded), UInt(rounded.nextUp)) : (UInt(rounded.nextDown), UInt(rounded))
          if m - low == high - m { rounded = Double(high) }
        }
        let exact = numerator < 0 ? -rounded : rounded
        let fromDigits = ExactDecimal.quotient(
          start: start, step: step, index: index, intervals: intervals, scale: -power)
        #expect(fromDigits == exact, "(\(start) + \(index)·\(step)/\(intervals))·1e\(power)")
        continue
      }
      if trial % 3 == 2 {
        // A negative scale (whole numbers of 10^k): (start·intervals + index·step)·10^k ≤ 2^53.
        let power = Int(generator.next() % 6) + 1
        let start = Int(generator.next() % 2001) - 1000
        let step = Int(generator.next() % 2001) - 1000
        var numerator = start * intervals + index * step
        for _ in 0..<power { numerator *= 10 }
        let exact = Double(numerator) / Double(intervals)
        let fromDigits = ExactDecimal.quotient(
          start: start, step: step, index: index, intervals: intervals, scale: -power)
        #expect(fromDigits == exact, "(\(start) + \(index)·\(step)/\(intervals))·1e\(power)")
        continue
      }
      let scale = Int(generator.next() % 13)  // 10^12 · 1000 < 2^53
      // Large (up to 2^51) and small (up to 1000: most digits are fraction digits) values.
      let limit = generator.next() % 2 == 0 ? UInt64(1 << 53) / UInt64(intervals) / 2 : 2000
      let start = Int(generator.next() % limit) - Int(limit / 2)
      let step = Int(generator.next() % limit) - Int(limit / 2)
      var power = 1.0
      for _ in 0..<scale { power *= 10 }
      let exact = Double(start * intervals + index * step) / (power * Double(intervals))
      let fromDigits = ExactDecimal.quotient(start: start, step: step, index: index, intervals: intervals, scale: scale)
      #expect(fromDigits == exact, "(\(start) + \(index)·\(step)/\(intervals))·1e-\(scale)")
    }
  }

  @Test func rangeWithManyDigitsIsReadFromItsDecimals() throws {
    // Sixteen decimals: beyond exact integer division, so each value is read from its digits.
    #expect(
      try grid("{range: [0.1234567890123456, 0.1234567890123458, 0.0000000000000001]}") == [
        0.1234567890123456, 0.1234567890123457, 0.1234567890123458,
      ])
  }

  @Test func rangeOfNumbersNotWrittenAsShortDecimalsStepsInDoubles() throws {
    // 21 digits do not fit an Int: lo + i·step (0.1 + 2·0.1 = 0.30000000000000004), and the end
    // (0.1 + 6·0.1 = 0.7000000000000001) is hi itself, as it is within 1e-9 of a step of it.
    #expect(
      try grid("{range: [0.10000000000000000000, 0.7, 0.1]}") == [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7])
  }

  @Test func linspaceIsExactForDecimalEnds() throws {
    // Value i is (1 + i)/100 exactly rounded: 0.07, not 0.01 + 6·(1.49/149) = 0.06999999999999999.
    let values = try grid("{linspace: [0.01, 1.5, 150]}")
    #expect(values.count == 150)
    #expect(values[0] == 0.01)
    #expect(values[6] == 0.07)
    #expect(values[28] == 0.29)
    #expect(values[149] == 1.5)
    #expect(values == (1...150).map { Double($0) / 100 })
    #expect(try grid("{linspace: [0, 1, 3]}") == [0, 0.5, 1])
    #expect(try grid("{linspace: [1, 0, 5]}") == [1, 0.75, 0.5, 0.25, 0])
    // 1/24, 11/150, 21/200, 41/300, 101/600: each the double nearest the exact quotient.
    #expect(
      try grid("{linspace: [0.01, 0.2, 7]}") == [
        0.01, 0.041666666666666664, 0.07333333333333333, 0.105, 0.13666666666666666, 0.16833333333333333, 0.2,
      ])
    #expect(try grid("{linspace: [2.5, 7, 1]}") == [2.5])
  }

  @Test func linspaceOfHugeEndsStaysFinite() throws {
    #expect(try grid("{linspace: [-1.0e308, 1.0e308, 3]}") == [-1e308, 0, 1e308])
  }

  @Test func logspaceIsTenToTheLinspace() throws {
    #expect(try grid("{logspace: [-3, 0, 4]}") == [0.001, 0.01, 0.1, 1])
    #expect(try grid("{logspace: [0, 4, 5]}") == [1, 10, 100, 1000, 10000])
    // 10^0.5 = 3.16227766016837933…, 10^1.5 = 31.6227766016837933…: the nearest doubles.
    #expect(try grid("{logspace: [0, 2, 5]}") == [1, 3.1622776601683795, 10, 31.622776601683793, 100])
    #expect(try grid("{logspace: [2, 2, 1]}") == [100])
  }

  @Test func hugeRangesAreRefusedBeforeCounting() throws {
    #expect(
      try gridProblems("{range: [0, 1, 1e-20]}") == [
        "1:19: error: 'range' would produce about 10^20 values, more than 10000000"
      ])
    #expect(
      try gridProblems("{range: [0, 1e300, 1e-300]}") == [
        "1:23: error: 'range' would produce about 10^600 values, more than 10000000"
      ])
    #expect(
      try gridProblems("{range: [0, 10000000, 1]}") == [
        "1:26: error: 'range' would produce 10000001 values, more than 10000000"
      ])
    #expect(try grid("{range: [1, 10000000, 1]}").count == 10_000_000)
  }

  @Test func rangesBeyondIntsAndDoublesAreRefusedNotTrapped() throws {
    // 2^62 − (−2^62) = 2^63 intervals of −1 (Int.min / −1 does not fit an Int).
    #expect(
      try gridProblems("{range: [4611686018427387904, -4611686018427387904, -1]}") == [
        "1:56: error: 'range' would produce 9223372036854775809 values, more than 10000000"
      ])
    // hi − lo overflows to infinity: (1.7e308 − (−1.7e308)) / 1e-300 = 3.4e608.
    #expect(
      try gridProblems("{range: [-1.7e308, 1.7e308, 1e-300]}") == [
        "1:32: error: 'range' would produce about 10^608 values, more than 10000000"
      ])
    #expect(
      try gridProblems("{range: [1.7e308, -1.7e308, -4.9e-324]}") == [
        "1:32: error: 'range' would produce about 10^631 values, more than 10000000"
      ])
    #expect(
      try gridProblems("{range: [-1.7e308, 1.7e308, -1e300]}") == [
        "1:32: error: 'range' is empty: step -1e300 never reaches the upper end from the lower end"
      ])
  }
}

/// Sweeps: ids, order, products with cases, and large generated axes.
@Suite struct SweepTests {
  @Test func rangeIdsNameTheValuesThatRun() throws {
    #expect(
      try ids("    start: [1]\n    sweep: {lr: {range: [0.1, 0.7, 0.1]}}\n") == [
        "s/a[lr=0.1]", "s/a[lr=0.2]", "s/a[lr=0.3]", "s/a[lr=0.4]", "s/a[lr=0.5]", "s/a[lr=0.6]", "s/a[lr=0.7]",
      ])
    #expect(
      try ids("    start: [1]\n    sweep: {lr: {range: [0.3, 0.1, -0.1]}}\n") == [
        "s/a[lr=0.3]", "s/a[lr=0.2]", "s/a[lr=0.1]",
      ])
  }

  @Test func casesAndSweepMultiply() throws {
    let suite = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          landscape: parabola
          start: [1.5]
          cases:
            - {lr: 0.05, expect: monotone}
            - {lr: 0.5, expect: one-shot}
          sweep:
            start: [[1.5], [-3]]
            optimizer.momentum: [0.1, 0.5]
      """)
    let scenario = try #require(suite.scenarios.first)
    #expect(scenario.instanceCount == 2 * 2 * 2)
    let instances = scenario.instances
    #expect(
      instances.map(\.id) == [
        "s/a[start=[1.5],optimizer.momentum=0.1,lr=0.05]", "s/a[start=[1.5],optimizer.momentum=0.5,lr=0.05]",
        "s/a[start=[-3],optimizer.momentum=0.1,lr=0.05]", "s/a[start=[-3],optimizer.momentum=0.5,lr=0.05]",
        "s/a[start=[1.5],optimizer.momentum=0.1,lr=0.5]", "s/a[start=[1.5],optimizer.momentum=0.5,lr=0.5]",
        "s/a[start=[-3],optimizer.momentum=0.1,lr=0.5]", "s/a[start=[-3],optimizer.momentum=0.5,lr=0.5]",
      ])
    #expect(instances[7].problem.start == [-3])
    #expect(instances[7].problem.optimizer == .sgd(SGD(momentum: 0.5)))
    #expect(instances[7].problem.schedule == .constant(0.5))
    #expect(instances[7].expectations.map(\.check) == [.regime([.oneShot])])
    #expect(instances[2].expectations.map(\.check) == [.regime([.monotone])])
  }

  @Test func aDottedKeyCombinesWithAKeyWhoseValuesLeaveItUnset() throws {
    let suite = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          landscape: parabola
          start: [1]
          sweep:
            optimizer: [sgd, {name: sgd, nesterov: true}]
            optimizer.momentum: [0.1, 0.2]
      """)
    let instances = try #require(suite.scenarios.first).instances
    #expect(
      instances.map(\.id) == [
        "s/a[optimizer=sgd,optimizer.momentum=0.1]", "s/a[optimizer=sgd,optimizer.momentum=0.2]",
        "s/a[optimizer=sgd(nesterov=true),optimizer.momentum=0.1]",
        "s/a[optimizer=sgd(nesterov=true),optimizer.momentum=0.2]",
      ])
    #expect(instances[3].problem.optimizer == .sgd(SGD(momentum: 0.2, nesterov: true)))
  }

  @Test func aLargeGeneratedAxisIsGeneratedOnDemand() throws {
    let suite = try loadSuite(
      "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1.5]\n    sweep:\n      lr: {linspace: [0.01, 0.02, 100001]}\n      steps: [10, 20]\n"
    )
    let scenario = try #require(suite.scenarios.first)
    #expect(scenario.instanceCount == 200_002)
    #expect(scenario.plan.groups.map(\.keepsDecodedValues) == [false, true], "no value is kept per learning rate")
    // lr value i is (100_000 + i)/10_000_000, exactly rounded; lr varies slowest, then steps.
    let middle = scenario.instance(at: 2 * 50_000 + 1)
    #expect(middle.id == "s/a[lr=0.015,steps=20]")
    #expect(middle.problem.schedule == .constant(0.015))
    #expect(middle.problem.settings.steps == 20)
    #expect(scenario.instance(at: 200_001).id == "s/a[lr=0.02,steps=20]")
    #expect(scenario.instance(at: 2 * 12_346).problem.schedule == .constant(0.0112346))
  }

  @Test func anIdIsKnownWithoutBuildingTheInstance() throws {
    let suite = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          landscape: parabola
          start: [1]
          optimizer: {name: sgd, momentum: 0.5}
          cases: [{steps: 10}, {steps: 20, optimizer: adam}]
          sweep:
            lr: {linspace: [0.01, 0.1, 10]}
            seed: [1, 2]
      """)
    let scenario = try #require(suite.scenarios.first)
    #expect(scenario.id(at: 0) == "s/a[lr=0.01,steps=10,seed=1]")
    #expect(scenario.id(at: 39) == "s/a[optimizer=adam,lr=0.1,steps=20,seed=2]")
    #expect((0..<scenario.instanceCount).map(scenario.id(at:)) == scenario.instances.map(\.id))
  }

  @Test func aProblemWithAGeneratedValueNamesTheValueOnce() {
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1]\n    sweep: {lr: {logspace: [0, 400, 3]}}\n"
      )
        == ["test.yaml:6:17: error: 'lr' must be finite, found inf (value 3 of logspace [0, 400, 3])"])
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1]\n    sweep: {optimizer.momentum: {linspace: [-1, 1, 1000]}}\n"
      ) == [
        "test.yaml:6:33: error: Invalid momentum value: -1.0 (value 1 of linspace [-1, 1, 1000])"
      ])
  }

  @Test func repeatedGeneratedValuesAreRefusedOnce() {
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1]\n    sweep: {lr: {linspace: [0.5, 0.5, 3]}}\n"
      )
        == [
          "test.yaml:6:17: error: sweep 'lr': linspace [0.5, 0.5, 3] gives 0.5 twice (values 1 and 2); ids would collide"
        ])
  }

  /// Validation checks one combination per class of alike values; checking every instance must
  /// find the same problems at the same places.
  @Test(arguments: [
    // start against swept landscapes of two dimensions
    "    start: [1, 1]\n    sweep:\n      landscape: [parabola, ravine, bowl]\n      lr: {linspace: [0.01, 0.1, 50]}\n",
    // swept starts against a swept landscape option
    "    sweep:\n      landscape.a: {linspace: [1, 2, 30]}\n      start: [[1], [1, 2], [3]]\n",
    // a cosine schedule too short for some swept step counts
    "    start: [1]\n    lr: {schedule: cosine, lr: 0.1, warmup_steps: 20}\n    sweep:\n      steps: {range: [10, 40, 5]}\n      lr.lr: {linspace: [0.1, 0.2, 40]}\n",
    // OneCycle's momentum cycling against swept optimizers
    "    start: [1]\n    lr: {schedule: onecycle, max_lr: 0.1}\n    sweep:\n      optimizer: [sgd, adagrad, adam, adadelta]\n      optimizer.weight_decay: {linspace: [0, 0.1, 20]}\n",
    // theory expectations against swept optimizers, clipping and learning rates
    "    start: [1]\n    expect: {regime: theory}\n    sweep:\n      optimizer: [sgd, adam]\n      clip: [none, {max_norm: 1}]\n      lr: {logspace: [-3, -1, 3]}\n",
    // best_lr: theory needs plain gradient descent
    "    start: [1]\n    find: {best_lr: {between: [0.01, 1]}}\n    expect: {best_lr: theory}\n    sweep:\n      optimizer.momentum: {range: [0, 0.9, 0.1]}\n",
    // final_point against swept dimensions, with cases
    "    cases: [{start: [1]}, {start: [1, 1]}]\n    sweep:\n      landscape: [parabola, bowl]\n      expect: [{final_point: {near: [0], within: 1}}, monotone]\n",
    // batch sizes against least-squares sample counts
    "    start: [0, 0]\n    landscape: {preset: least-squares, samples: 64, features: 2}\n    sweep:\n      batch_size: {range: [16, 128, 16]}\n      landscape.samples: [32, 64, 256]\n",
    // a valid sweep
    "    start: [1]\n    sweep:\n      lr: {linspace: [0.01, 0.9, 200]}\n      optimizer.momentum: [0, 0.5]\n      steps: [10, 20]\n",
  ])
  func checkingClassesFindsWhatCheckingEveryInstanceFinds(_ keys: String) throws {
    let text = "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n" + keys
    let (classSuite, byClass) = ConfigLoader.load(text: text, file: "t.yaml")
    let (everySuite, byInstance) = ConfigLoader.load(text: text, file: "t.yaml", checkingEveryInstance: true)
    #expect((classSuite == nil) == (everySuite == nil))
    #expect(Set(byClass.map(\.mark)) == Set(byInstance.map(\.mark)), "\(byClass) vs \(byInstance)")
    #expect(Set(byClass.map(\.message)).isSubset(of: Set(byInstance.map(\.message))))
  }

  @Test func theComparisonOfValidationsCanFail() {
    // The sweeps above that should be refused are refused (so the comparison is not vacuous).
    let refused = [
      "    start: [1, 1]\n    sweep:\n      landscape: [parabola, ravine, bowl]\n",
      "    start: [1]\n    lr: {schedule: cosine, lr: 0.1, warmup_steps: 20}\n    sweep:\n      steps: {range: [10, 40, 5]}\n",
    ]
    for keys in refused {
      #expect(!problems("suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n" + keys).isEmpty)
    }
  }
}

/// Ids name what runs: a kind and the options it changes, so equal runs have equal ids.
@Suite struct CanonicalIdTests {
  @Test(arguments: [
    ("optimizer", "{name: sgd, momentum: 0.9, nesterov: false}", "sgd(momentum=0.9)"),
    ("optimizer", "{name: sgd, momentum: 0}", "sgd"),
    ("optimizer", "{name: sgd, momentum: 0.0, dampening: 0, weight_decay: 0, maximize: false}", "sgd"),
    ("optimizer", "{name: adam, betas: [0.9, 0.999], eps: 1.0e-8}", "adam"),
    ("optimizer", "{name: adam, betas: [0.9, 0.99]}", "adam(betas=[0.9,0.99])"),
    ("optimizer", "{name: adamw, weight_decay: 0.01}", "adamw"),
    ("optimizer", "{name: adamw, weight_decay: 0}", "adamw(weight_decay=0)"),
    ("landscape", "{preset: ravine, ratio: 100}", "ravine"),
    ("landscape", "{preset: ravine, ratio: 1.0e1}", "ravine(ratio=10)"),
    ("landscape", "{preset: quadratic, eigenvalues: [1, 2], angle: 0}", "quadratic(eigenvalues=[1,2])"),
    ("lr", "{schedule: constant, lr: 0.1}", "0.1"),
    ("lr", "{schedule: step, lr: 0.1, step_size: 30, gamma: 0.1}", "step(lr=0.1,step_size=30)"),
    ("lr", "{schedule: onecycle, max_lr: 0.1, anneal: cos, three_phase: false}", "onecycle(max_lr=0.1)"),
    ("clip", "{max_norm: 1.0}", "(max_norm=1)"),
  ])
  func optionsAtTheirDefaultsAreLeftOut(key: String, value: String, id: String) throws {
    let landscape = key == "landscape" ? "" : "    landscape: {preset: ravine, ratio: 10}\n"
    let suite = try loadSuite(
      "suite: s\nscenarios:\n  - name: a\n    start: [1, 1]\n" + landscape + "    cases:\n      - {\(key): \(value)}\n")
    let instance = try #require(suite.scenarios.first?.instances.first)
    #expect(instance.id == "s/a[\(key)=\(id)]")
  }

  @Test func equivalentCasesCollide() {
    let text = """
      suite: s
      scenarios:
        - name: a
          landscape: parabola
          start: [1]
          cases:
            - {optimizer: sgd}
            - {optimizer: {name: sgd, momentum: 0, nesterov: false}}
      """
    #expect(
      problems(text) == [
        "test.yaml:8:9: error: two cases give the same id 's/a[optimizer=sgd]'\ntest.yaml:7:9: note: the other case is here"
      ])
  }

  @Test func aSweptValueIsNamedAsItRunsMergedOverTheScenarios() throws {
    // `sgd` merges over the scenario's {name: sgd, momentum: 0.9}: momentum 0.9 runs, and the id says so.
    let suite = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          landscape: ravine
          start: [-4, 1]
          optimizer: {name: sgd, momentum: 0.9}
          sweep:
            optimizer: [sgd, adam]
      """)
    let instances = try #require(suite.scenarios.first).instances
    #expect(instances.map(\.id) == ["s/a[optimizer=sgd(momentum=0.9)]", "s/a[optimizer=adam]"])
    #expect(instances[0].problem.optimizer == .sgd(SGD(momentum: 0.9)))
    #expect(instances[0].optimizerText == "sgd(momentum=0.9)")
    #expect(instances[1].problem.optimizer == .adam(Adam()))
  }

  @Test func casesThatRunDifferentlyGetDifferentIds() throws {
    // Once merged, `sgd` keeps the scenario's momentum 0.9 and {momentum: 0} drops it.
    let suite = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          landscape: ravine
          start: [-4, 1]
          optimizer: {name: sgd, momentum: 0.9}
          cases:
            - optimizer: sgd
            - optimizer: {name: sgd, momentum: 0}
            - optimizer: {nesterov: true}
            - landscape: {ratio: 10}
      """)
    let instances = try #require(suite.scenarios.first).instances
    #expect(
      instances.map(\.id) == [
        "s/a[optimizer=sgd(momentum=0.9)]", "s/a[optimizer=sgd]", "s/a[optimizer=sgd(momentum=0.9,nesterov=true)]",
        "s/a[landscape=ravine(ratio=10)]",
      ])
    #expect(
      instances.map(\.problem.optimizer) == [
        .sgd(SGD(momentum: 0.9)), .sgd(SGD()), .sgd(SGD(momentum: 0.9, nesterov: true)), .sgd(SGD(momentum: 0.9)),
      ])
  }

  @Test func casesThatRunAlikeOnceMergedCollide() {
    let text = """
      suite: s
      scenarios:
        - name: a
          landscape: parabola
          start: [1]
          optimizer: {name: sgd, momentum: 0.9}
          cases:
            - {optimizer: sgd}
            - {optimizer: {momentum: 0.9}}
      """
    #expect(
      problems(text) == [
        "test.yaml:9:9: error: two cases give the same id 's/a[optimizer=sgd(momentum=0.9)]'\ntest.yaml:8:9: note: the other case is here"
      ])
  }

  @Test func aKeyAndItsDottedChildNameWhatRunsOverAScenarioSettingTheChild() throws {
    // The scenario's momentum 0.9 is replaced by the swept one: the optimizer's text leaves it out.
    let suite = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          landscape: parabola
          start: [1]
          optimizer: {name: sgd, momentum: 0.9, dampening: 0.5}
          sweep:
            optimizer: [sgd, {name: sgd, nesterov: true, dampening: 0}]
            optimizer.momentum: [0.1, 0.2]
      """)
    let instances = try #require(suite.scenarios.first).instances
    #expect(
      instances.map(\.id) == [
        "s/a[optimizer=sgd(dampening=0.5),optimizer.momentum=0.1]",
        "s/a[optimizer=sgd(dampening=0.5),optimizer.momentum=0.2]",
        "s/a[optimizer=sgd(nesterov=true),optimizer.momentum=0.1]",
        "s/a[optimizer=sgd(nesterov=true),optimizer.momentum=0.2]",
      ])
    #expect(instances[1].problem.optimizer == .sgd(SGD(momentum: 0.2, dampening: 0.5)))
    #expect(instances[3].problem.optimizer == .sgd(SGD(momentum: 0.2, nesterov: true)))
  }

  @Test func aGeneratorIsNamedByTheListItGenerates() throws {
    #expect(
      try ids("    sweep:\n      start: [[1], {linspace: [3, 3, 1]}, {range: [0.5, 1, 1]}]\n")
        == ["s/a[start=[1]]", "s/a[start=[3]]", "s/a[start=[0.5]]"])
    let cases = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          start: [1, 1]
          cases:
            - landscape: {preset: quadratic, eigenvalues: {logspace: [0, 1, 2]}}
      """)
    let instance = try #require(cases.scenarios.first?.instances.first)
    #expect(instance.id == "s/a[landscape=quadratic(eigenvalues=[1,10])]")
    // Reports keep the generator as written (a thousand eigenvalues stay three numbers there).
    #expect(instance.landscapeText == "quadratic(eigenvalues=(logspace=[0,1,2]))")
    let swept = try loadSuite(
      """
      suite: s
      scenarios:
        - name: a
          start: [1, 1]
          landscape: {preset: quadratic, eigenvalues: [1, 1]}
          sweep:
            landscape.eigenvalues: [{linspace: [2, 3, 2]}]
      """)
    #expect(try #require(swept.scenarios.first).instances.map(\.id) == ["s/a[landscape.eigenvalues=[2,3]]"])
  }

  @Test func generatorsAndListsThatGiveTheSameValuesCollide() {
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: bowl\n    sweep:\n      start: [[1, 1], {linspace: [1, 1, 2]}]\n"
      )
        == [
          "test.yaml:6:23: error: sweep 'start' lists [1,1] twice (ids would collide)\ntest.yaml:6:15: note: first listed here"
        ])
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: {preset: quadratic, eigenvalues: [1, 2]}\n    start: [1, 1]\n    sweep:\n      landscape.eigenvalues: [[1, 2], {linspace: [1, 2, 2]}]\n"
      ) == [
        "test.yaml:7:39: error: sweep 'landscape.eigenvalues' lists [1,2] twice (ids would collide)\ntest.yaml:7:31: note: first listed here"
      ])
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    start: [1, 1]\n    cases:\n      - landscape: {preset: quadratic, eigenvalues: [1, 2]}\n      - landscape: {preset: quadratic, eigenvalues: {range: [1, 2, 1]}}\n"
      ) == [
        "test.yaml:7:9: error: two cases give the same id 's/a[landscape=quadratic(eigenvalues=[1,2])]'\ntest.yaml:6:9: note: the other case is here"
      ])
  }

  /// A long list in an id is its first three numbers, its last, its length and a hash, the same
  /// whether written or generated: a 1000-D bowl does not make a 1000-number id.
  @Test func longListsAreShortenedInIds() throws {
    let written = (1...12).map { "\($0)" }.joined(separator: ", ")
    func ids(_ keys: String) throws -> [String] {
      let suite = try loadSuite("suite: s\nscenarios:\n  - name: a\n" + keys)
      return try #require(suite.scenarios.first).instances.map(\.id)
    }
    let twelve = try ids(
      "    landscape: {preset: quadratic, eigenvalues: [1]}\n    start: {linspace: [1, 1, 12]}\n"
        + "    sweep: {landscape.eigenvalues: [{linspace: [1, 12, 12]}, {linspace: [2, 13, 12]}]}\n")
    #expect(twelve[0].hasPrefix("s/a[landscape.eigenvalues=[1,2,3,…,12](n=12,fnv="), "\(twelve)")
    #expect(twelve[1].hasPrefix("s/a[landscape.eigenvalues=[2,3,4,…,13](n=12,fnv="), "\(twelve)")
    let thousand = try ids(
      "    landscape: {preset: quadratic, eigenvalues: [1]}\n    start: {linspace: [1, 1, 1000]}\n"
        + "    sweep: {landscape.eigenvalues: [{logspace: [0, 4, 1000]}]}\n")
    #expect(
      thousand[0].hasPrefix("s/a[landscape.eigenvalues=[1,1.0092621909870476,1.0186101701559758,…,10000](n=1000,fnv="))
    #expect((twelve + thousand).allSatisfy { $0.count < 120 })
    // Written out, the same twelve numbers are the same id: a duplicate.
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: {preset: quadratic, eigenvalues: [1]}\n    start: {linspace: [1, 1, 12]}\n    sweep: {landscape.eigenvalues: [{linspace: [1, 12, 12]}, [\(written)]]}\n"
      ).contains { $0.contains("lists [1,2,3,…,12](n=12,fnv=c48a952f) twice (ids would collide)") })
  }

  @Test func listGeneratorsAreCapped() {
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: {preset: quadratic, eigenvalues: {logspace: [0, 4, 2000000]}}\n    start: [1]\n"
      ) == ["test.yaml:4:49: error: 'eigenvalues' would have 2000000 numbers, more than 1000000"])
  }

  @Test func negativeZeroIsZeroInIds() throws {
    #expect(try ids("    start: [1]\n    sweep: {lr: [-0.0, 0.5]}\n") == ["s/a[lr=0]", "s/a[lr=0.5]"])
    #expect(try ids("    start: [1]\n    sweep: {lr: {linspace: [-0.0, 1, 2]}}\n") == ["s/a[lr=0]", "s/a[lr=1]"])
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1]\n    sweep: {lr: [-0.0, 0]}\n")
        == [
          "test.yaml:6:24: error: sweep 'lr' lists 0 twice (ids would collide)\ntest.yaml:6:18: note: first listed here"
        ])
    #expect(
      problems(
        "suite: s\nscenarios:\n  - name: a\n    landscape: parabola\n    cases: [{start: [-0.0]}, {start: [0]}]\n")
        == [
          "test.yaml:5:30: error: two cases give the same id 's/a[start=[0]]'\ntest.yaml:5:13: note: the other case is here"
        ])
  }

  @Test func theReportedTextsAreCanonicalToo() throws {
    let suite = try loadSuite(
      "suite: s\nscenarios:\n  - name: a\n    landscape: {preset: ravine, ratio: 100}\n    start: [1, 1]\n    optimizer: {name: sgd, momentum: 0.9, dampening: 0}\n    lr: {schedule: constant, lr: 0.01}\n"
    )
    let instance = try #require(suite.scenarios.first?.instances.first)
    #expect(instance.landscapeText == "ravine")
    #expect(instance.optimizerText == "sgd(momentum=0.9)")
    #expect(instance.learningRateText == "0.01")
  }
}
