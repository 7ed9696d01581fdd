import DescentConfig
import DescentRunner
import Foundation
import Synchronization
import Testing

/// A stand-in output: its position, and whether it counts as a failure.
private struct Probe: RunOutput {
  var position: Int
  var status: InstanceStatus
}

private struct DeliveryError: Error {}

/// `Runner.execute`: order, bounded memory, fail-fast, cancellation, errors.
@Suite struct ExecutionTests {
  @Test(arguments: [1, 2, 3, 8])
  func deliversEveryPositionInOrderForAnyNumberOfJobs(jobs: Int) {
    var delivered: [Int] = []
    let summary = Runner.execute(count: 1000, jobs: jobs) {
      Probe(position: $0, status: .passed)
    } deliver: {
      delivered.append($0.position)
    }
    #expect(delivered == Array(0..<1000))
    #expect(summary == Runner.ExecutionSummary(delivered: 1000, ending: .complete))
  }

  @Test func aSlowConsumerThrottlesTheWorkers() {
    // 2 jobs: chunks of 64, at most 4·2 = 8 chunks claimed and not delivered, so at most
    // 8 · 64 = 512 outputs wait at any time, not the 4000 an unbounded buffer would hold.
    let produced = Atomic<Int>(0)
    var largestBacklog = 0
    var delivered = 0
    Runner.execute(count: 4000, jobs: 2) { position in
      produced.add(1, ordering: .relaxed)
      return Probe(position: position, status: .passed)
    } deliver: { _ in
      delivered += 1
      largestBacklog = max(largestBacklog, produced.load(ordering: .relaxed) - delivered)
      if delivered % 64 == 0 { usleep(2_000) }
    }
    #expect(delivered == 4000)
    #expect(largestBacklog <= 8 * 64)
    #expect(largestBacklog >= 64, "the workers did run ahead of the consumer")
  }

  @Test(arguments: [1, 2, 4])
  func failFastDeliversUpToTheFirstFailureInIdOrder(jobs: Int) {
    var delivered: [Int] = []
    let summary = Runner.execute(count: 5000, jobs: jobs, failFast: true) { position in
      Probe(position: position, status: position == 777 || position == 90 ? .failed : .passed)
    } deliver: {
      delivered.append($0.position)
    }
    #expect(delivered == Array(0...90))
    #expect(summary == Runner.ExecutionSummary(delivered: 91, ending: .failFast))
  }

  @Test func cancellationStopsLaunchingAndDeliversAPrefix() {
    let cancellation = Cancellation()
    let launched = Atomic<Int>(0)
    var delivered: [Int] = []
    let summary = Runner.execute(count: 100_000, jobs: 2, cancellation: cancellation) { position in
      launched.add(1, ordering: .relaxed)
      return Probe(position: position, status: .passed)
    } deliver: { probe in
      delivered.append(probe.position)
      if probe.position == 100 { cancellation.cancel() }
    }
    #expect(summary.ending == .interrupted)
    #expect(delivered == Array(0..<summary.delivered))
    #expect(summary.delivered > 100)
    // Launches stop within the window: the claimed chunks (8 of 64) plus those in flight.
    #expect(launched.load(ordering: .relaxed) <= 101 + 10 * 64)
  }

  /// A second Ctrl-C (a forced exit) and the command's own exit race to end the process: the
  /// first claim wins, and the other is refused — so a run failing because the forced exit
  /// deleted its temporary files cannot exit 3 in place of 130.
  @Test func theFirstOfAForcedAndANormalExitWins() {
    let forcedFirst = ExitGate()
    #expect(!forcedFirst.isForcedExitUnderway)
    #expect(forcedFirst.claimForcedExit())
    #expect(forcedFirst.isForcedExitUnderway)
    #expect(!forcedFirst.claimNormalExit(), "the command must leave the exit to the signal")
    #expect(!forcedFirst.claimForcedExit())
    let normalFirst = ExitGate()
    #expect(normalFirst.claimNormalExit())
    #expect(normalFirst.isNormalExitUnderway)
    #expect(!normalFirst.claimForcedExit(), "a late signal leaves the command's exit alone")
    #expect(!normalFirst.isForcedExitUnderway)
    // Claimed from many threads at once: exactly one claim succeeds.
    let gate = ExitGate()
    let granted = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 64) { index in
      if index.isMultiple(of: 2) ? gate.claimForcedExit() : gate.claimNormalExit() {
        granted.add(1, ordering: .relaxed)
      }
    }
    #expect(granted.load(ordering: .relaxed) == 1)
  }

  @Test func aDeliveryErrorStopsTheRunAndDiscardsWhatWasNotDelivered() {
    let produced = Atomic<Int>(0)
    var delivered = 0
    var discarded = 0
    #expect(throws: DeliveryError.self) {
      try Runner.execute(count: 10_000, jobs: 2) { position in
        produced.add(1, ordering: .relaxed)
        return Probe(position: position, status: .passed)
      } discard: { _ in
        discarded += 1
      } deliver: { probe in
        if probe.position == 10 { throw DeliveryError() }
        delivered += 1
      }
    }
    #expect(delivered == 10)
    // Every output made was either delivered or discarded (the one that threw counts as neither).
    #expect(delivered + discarded + 1 == produced.load(ordering: .relaxed))
    #expect(produced.load(ordering: .relaxed) < 10_000)
  }

  @Test func nothingToRunIsComplete() {
    let summary = Runner.execute(count: 0, jobs: 4) {
      Probe(position: $0, status: .passed)
    } deliver: { _ in
      Issue.record("nothing should be delivered")
    }
    #expect(summary == Runner.ExecutionSummary(delivered: 0, ending: .complete))
  }

  @Test func progressCountsFinishedAndUnsuccessfulInstances() {
    let progress = RunProgress(total: 300)
    Runner.execute(count: 300, jobs: 3, progress: progress) { position in
      Probe(position: position, status: position % 10 == 0 ? .error : .passed)
    } deliver: { _ in
    }
    #expect(progress.completed == 300)
    #expect(progress.unsuccessful == 30)
  }
}
