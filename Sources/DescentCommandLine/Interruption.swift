import DescentReports
import DescentRunner
import Dispatch
import Foundation
import Synchronization

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal closed) during a run or a merge: the first
/// stops it — a run finishes the instances in flight, a merge stops before its next record —
/// and the reports are written marked interrupted (exit 130); a second deletes every temporary
/// file and exits 130 at once.
///
/// The handling stays until the process exits (restoring the default would let a late signal
/// kill the process instead of exiting 130), and the forced exit claims `ExitGate.process`
/// first: if the command is already exiting, a signal changes nothing; if the forced exit has
/// begun, the command waits for it (`DescentTool.exit`) rather than exit with a failure the
/// deletions caused.
final class Interruption: Sendable {
  let cancellation = Cancellation()
  private let signals: Mutex<[any DispatchSourceSignal]>
  /// Every handling installed, kept until the process exits (a source released is a source gone).
  private static let installed = Mutex<[Interruption]>([])

  /// Starts handling SIGINT, SIGTERM and SIGHUP; `terminal` gets `notice` at the first.
  init(
    terminal: Terminal,
    notice: String = "descent: interrupted; finishing the instances in flight (interrupt again to stop at once)"
  ) {
    let received = SignalCount()
    // A queue of its own: the global queues' threads may all be busy running instances.
    let queue = DispatchQueue(label: "descent.signals")
    var sources: [any DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM, SIGHUP] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { [cancellation, received] in
        let gate = ExitGate.process
        guard !gate.isNormalExitUnderway else { return }
        if received.increment() == 1 {
          cancellation.cancel()
          terminal.write(notice, to: .error)
        } else if gate.claimForcedExit() {
          ScratchFiles.process.removeAll()
          _exit(Int32(ExitCode.interrupted.rawValue))
        }
      }
      source.resume()
      sources.append(source)
    }
    signals = Mutex(sources)
    Self.installed.withLock { $0.append(self) }
  }
}

/// How many signals have arrived.
private final class SignalCount: Sendable {
  private let count = Atomic<Int>(0)

  /// Counts one more and returns the new count.
  func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
}
