import DescentConfig
import DescentCore
import Dispatch
import Synchronization

/// Runs instances: each is a pure function of its spec and seed, so results do not depend on
/// how many threads run them or in which order.
public enum Runner {
  /// The instances of `suites` that `filter` selects, in id order (files, scenarios, cases,
  /// sweep combinations, as listed).
  public static func select(_ suites: [Suite], filter: InstanceFilter) -> [Instance] {
    var selected: [Instance] = []
    for suite in suites {
      for scenario in suite.scenarios {
        for index in 0..<scenario.instanceCount {
          let instance = scenario.instance(at: index)
          if filter.selects(id: instance.id, suite: instance.suite, scenario: instance.scenario) {
            selected.append(instance)
          }
        }
      }
    }
    return selected
  }

  /// Runs one instance: its own run, the theory of it, its lr searches, then its expectations.
  public static func run(_ instance: Instance) -> InstanceResult {
    var result = InstanceResult(instance: instance, outcome: nil, error: nil, expectations: [])
    let problem = instance.problem
    do {
      let outcome = try Engine.run(problem)
      result.outcome = outcome
      let predicting = instance.expectations.contains { $0.needsPrediction }
      switch TheoryApplicability.report(for: problem, reference: outcome.reference, predicting: predicting) {
      case .success(let report): result.theory = report
      case .failure(let error): result.theoryUnavailable = error.reason
      }
      if instance.expectations.contains(where: {
        if case .metric(.contractionRate, _) = $0.check { true } else { false }
      }) {
        result.contractionRate = ContractionRate.measure(problem, outcome: outcome)
      }
      result.searches = instance.searches.map { Searches.run($0, problem: problem) }
      result.expectations = ExpectationChecker.check(instance.expectations, outcome: outcome, result: result)
    } catch {
      result.error = error.description
    }
    return result
  }

  /// Runs `instances` on `jobs` worker threads (`DispatchQueue.concurrentPerform`), handing out
  /// small chunks from an atomic counter; results come back in input order.
  ///
  /// With `failFast`, workers stop taking new chunks after the first unsuccessful result, and
  /// only the instances that ran are returned (still in input order).
  public static func run(
    _ instances: [Instance], jobs: Int, failFast: Bool = false,
    onResult: (@Sendable (InstanceResult) -> Void)? = nil
  ) -> [InstanceResult] {
    let count = instances.count
    let chunkSize = max(1, min(64, count / max(1, jobs * 8)))
    let next = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    let slots = Mutex<[InstanceResult?]>(Array(repeating: nil, count: count))
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
      while !stop.load(ordering: .relaxed) {
        let start = next.add(chunkSize, ordering: .relaxed).oldValue
        guard start < count else { return }
        let end = min(start + chunkSize, count)
        var chunk: [InstanceResult] = []
        chunk.reserveCapacity(end - start)
        for index in start..<end {
          if failFast && stop.load(ordering: .relaxed) { break }
          let result = run(instances[index])
          onResult?(result)
          chunk.append(result)
          if failFast && result.status != .passed {
            stop.store(true, ordering: .relaxed)
          }
        }
        slots.withLock { [chunk] slots in
          for (offset, result) in chunk.enumerated() { slots[start + offset] = result }
        }
      }
    }
    return slots.withLock { $0.compactMap { $0 } }
  }
}
