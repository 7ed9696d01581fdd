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

  /// Runs `instance`'s problem again, reporting every iterate to `observer` (trajectory dumps).
  /// Runs are pure functions of their problem, so this is the trajectory `run(_:)` saw.
  public static func trace<Observer: TrajectoryObserver>(_ instance: Instance, observer: inout Observer)
    throws(EngineError)
  {
    _ = try Engine.run(instance.problem, observer: &observer)
  }

  /// Runs `instances` on `jobs` worker threads; results come back in input order.
  ///
  /// With `failFast`, the results end at the first unsuccessful one (in input order).
  public static func run(
    _ instances: [Instance], jobs: Int, failFast: Bool = false,
    onResult: (@Sendable (InstanceResult) -> Void)? = nil
  ) -> [InstanceResult] {
    var results: [InstanceResult] = []
    results.reserveCapacity(instances.count)
    execute(count: instances.count, jobs: jobs, failFast: failFast) { index in
      run(instances[index])
    } deliver: { result in
      onResult?(result)
      results.append(result)
    }
    return results
  }

  /// How an execution ended.
  public enum Ending: String, Sendable, Hashable {
    /// Every position was run and delivered.
    case complete
    /// `--fail-fast`: delivery stopped after the first unsuccessful output.
    case failFast = "fail-fast"
    /// The cancellation was triggered (SIGINT): delivery stopped at the first position not run.
    case interrupted
  }

  /// What `execute` delivered.
  public struct ExecutionSummary: Sendable, Hashable {
    /// Outputs delivered: positions 0 ..< delivered.
    public var delivered: Int
    public var ending: Ending

    public init(delivered: Int, ending: Ending) {
      self.delivered = delivered
      self.ending = ending
    }
  }

  /// Runs `work` for positions 0 ..< count on `jobs` threads and hands the outputs to `deliver`
  /// in position order, on the calling thread, one at a time.
  ///
  /// Workers (`DispatchQueue.concurrentPerform`) claim chunks of consecutive positions from an
  /// atomic counter; finished chunks wait in a reorder buffer until every earlier chunk has been
  /// delivered. A worker may only claim a chunk while fewer than `4 · jobs` chunks are claimed and
  /// not yet delivered, so the buffer — and memory — stays bounded however large `count` is, and
  /// a slow `deliver` throttles the workers instead of piling up outputs.
  ///
  /// Delivery is a prefix of the positions, the same for any `jobs`: with `failFast` it ends with
  /// the first unsuccessful output (workers stop claiming after any failure and skip positions
  /// beyond the earliest one seen); when `cancellation` fires, workers stop launching and
  /// delivery ends at the first position that did not run (in-flight work finishes). If
  /// `deliver` throws, workers stop and the error is rethrown once they have. Outputs that are
  /// not delivered go to `discard` (on the calling thread), to release what they hold.
  /// - Complexity: O(count) work calls; O(jobs · chunk size) outputs in memory at once.
  @discardableResult
  public static func execute<Output: RunOutput>(
    count: Int, jobs: Int, failFast: Bool = false, cancellation: Cancellation? = nil, progress: RunProgress? = nil,
    work: @escaping @Sendable (Int) -> Output, discard: (Output) -> Void = { _ in },
    deliver: (Output) throws -> Void
  ) rethrows -> ExecutionSummary {
    guard count > 0 else {
      return ExecutionSummary(delivered: 0, ending: cancellation?.isCancelled == true ? .interrupted : .complete)
    }
    let jobs = max(1, jobs)
    let chunkSize = max(1, min(64, count / (jobs * 8)))
    let chunkCount = (count + chunkSize - 1) / chunkSize
    let workerCount = min(jobs, chunkCount)
    let buffer = ReorderBuffer<Output>(windowChunks: max(2, 4 * jobs))
    let earliestFailure = Atomic<Int>(Int.max)
    let nextChunk = Atomic<Int>(0)

    DispatchQueue.global().async {
      DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
        while buffer.acquireSlot() {
          let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
          guard chunk < chunkCount else {
            buffer.releaseSlot()
            return
          }
          let start = chunk * chunkSize
          var outputs: [Output] = []
          outputs.reserveCapacity(min(chunkSize, count - start))
          for position in start..<min(start + chunkSize, count) {
            if buffer.isHalted || cancellation?.isCancelled == true { break }
            if failFast && position > earliestFailure.load(ordering: .relaxed) { break }
            let output = work(position)
            progress?.record(output.status)
            if failFast && output.status != .passed {
              earliestFailure.min(position, ordering: .relaxed)
            }
            outputs.append(output)
          }
          buffer.deposit(outputs, chunk: chunk)
        }
      }
      buffer.finishWorkers()
    }

    var delivered = 0
    var ending = Ending.complete
    var delivering = true
    var chunk = 0
    // The chunk being delivered, and the position of its next output.
    var outputs: [Output] = []
    var next = 0
    do {
      while let taken = buffer.take(chunk: chunk) {
        outputs = taken
        next = 0
        let expected = min(chunkSize, count - chunk * chunkSize)
        chunk += 1
        while delivering && next < outputs.count {
          let output = outputs[next]
          next += 1
          try deliver(output)
          delivered += 1
          if failFast && output.status != .passed {
            ending = .failFast
            delivering = false
          }
        }
        if delivering && outputs.count < expected {
          ending = .interrupted
          delivering = false
        }
        for rest in outputs[next...] { discard(rest) }
        if !delivering { buffer.halt() }
        buffer.releaseSlot()
      }
    } catch {
      // Stop the workers, let them return, then report the error.
      for rest in outputs[next...] { discard(rest) }
      buffer.halt()
      buffer.releaseSlot()
      while let outputs = buffer.take(chunk: chunk) {
        for output in outputs { discard(output) }
        chunk += 1
        buffer.releaseSlot()
      }
      throw error
    }
    if ending == .complete && delivered < count { ending = .interrupted }
    return ExecutionSummary(delivered: delivered, ending: ending)
  }
}

/// What `Runner.execute` needs to know of an output: whether it passed (for `--fail-fast`
/// and progress).
public protocol RunOutput: Sendable {
  var status: InstanceStatus { get }
}

extension InstanceResult: RunOutput {}

/// A flag that stops a run from launching more instances (set on SIGINT).
public final class Cancellation: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  public func cancel() { flag.store(true, ordering: .relaxed) }

  public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Decides, once, how the process ends: normally, with the command's exit code, or by a forced
/// exit (a second Ctrl-C: every temporary file deleted, exit 130). The first claim wins and the
/// other side must not exit with a code of its own — the forced exit's deletions make the
/// command fail (a trajectory's temporary file vanishes before its rename), and that failure
/// must not turn exit 130 into exit 3; nor may a signal arriving as the command exits delete
/// what it has just put in place.
public final class ExitGate: Sendable {
  /// The process's own.
  public static let process = ExitGate()

  private static let open = 0
  private static let normal = 1
  private static let forced = 2
  private let state = Atomic<Int>(ExitGate.open)

  public init() {}

  /// Claims the end for the command's own exit code; false when a forced exit has it.
  public func claimNormalExit() -> Bool { claim(Self.normal) }

  /// Claims the end for a forced exit; false when the command is already exiting.
  public func claimForcedExit() -> Bool { claim(Self.forced) }

  /// Whether a forced exit has claimed the end (it is deleting the temporary files).
  public var isForcedExitUnderway: Bool { state.load(ordering: .acquiring) == Self.forced }

  /// Whether the command has claimed the end (it is exiting with its own code).
  public var isNormalExitUnderway: Bool { state.load(ordering: .acquiring) == Self.normal }

  private func claim(_ ending: Int) -> Bool {
    state.compareExchange(expected: Self.open, desired: ending, ordering: .acquiringAndReleasing).exchanged
  }
}

/// Live counts of a run, updated by the workers as instances finish (for progress display).
public final class RunProgress: Sendable {
  /// Instances the run is to execute.
  public let total: Int
  private let completedCount = Atomic<Int>(0)
  private let unsuccessfulCount = Atomic<Int>(0)

  public init(total: Int) {
    self.total = total
  }

  /// Counts one finished instance.
  public func record(_ status: InstanceStatus) {
    completedCount.add(1, ordering: .relaxed)
    if status != .passed { unsuccessfulCount.add(1, ordering: .relaxed) }
  }

  /// Instances finished so far.
  public var completed: Int { completedCount.load(ordering: .relaxed) }
  /// Instances that failed or could not run, so far.
  public var unsuccessful: Int { unsuccessfulCount.load(ordering: .relaxed) }
}

/// The bounded buffer between `Runner.execute`'s workers and its delivering thread: finished
/// chunks by index, a window of slots (claimed but undelivered chunks), and a halt flag.
private final class ReorderBuffer<Output: Sendable>: Sendable {
  private struct State {
    var chunks: [Int: [Output]] = [:]
    var workersFinished = false
  }

  private let state = Mutex(State())
  /// Signalled once per deposited chunk and once when the workers have all returned.
  private let ready = DispatchSemaphore(value: 0)
  /// One permit per chunk that may be in flight (claimed and not yet delivered).
  private let window: DispatchSemaphore
  private let halted = Atomic<Bool>(false)

  init(windowChunks: Int) {
    window = DispatchSemaphore(value: windowChunks)
  }

  /// Waits for a free slot; false when the run is halted (the slot is handed back).
  func acquireSlot() -> Bool {
    window.wait()
    if halted.load(ordering: .relaxed) {
      window.signal()
      return false
    }
    return true
  }

  func releaseSlot() { window.signal() }

  func halt() { halted.store(true, ordering: .relaxed) }

  var isHalted: Bool { halted.load(ordering: .relaxed) }

  func deposit(_ outputs: [Output], chunk: Int) {
    state.withLock { $0.chunks[chunk] = outputs }
    ready.signal()
  }

  func finishWorkers() {
    state.withLock { $0.workersFinished = true }
    ready.signal()
  }

  /// The outputs of `chunk`, waiting until it is deposited; nil when the workers have finished
  /// without depositing it (it was never claimed).
  func take(chunk: Int) -> [Output]? {
    while true {
      let (outputs, finished) = state.withLock { state in
        (state.chunks.removeValue(forKey: chunk), state.workersFinished)
      }
      if let outputs { return outputs }
      if finished { return nil }
      ready.wait()
    }
  }
}
