import DescentRunner
import Dispatch
import Foundation
import Synchronization

/// The process's stdout, written with `write(2)`: descent ignores SIGPIPE, so a closed pipe
/// (`descent run | head -1`) is a failed write (EPIPE) rather than a silent death. The first
/// failure is kept — later writes are skipped — and the command ends with exit 3 and
/// `cannot write standard output: …` (`check()`).
public enum StandardOutput {
  private static let firstFailure = Mutex<String?>(nil)

  /// The reason the first failed write failed, if one has.
  public static var failure: String? { firstFailure.withLock { $0 } }

  /// Writes all of `bytes` to stdout, unless a write has failed already.
  public static func write(_ bytes: [UInt8]) {
    guard failure == nil, !bytes.isEmpty else { return }
    if let reason = bytes.withUnsafeBytes({ FileDescriptor.writeAll(1, $0) }) {
      firstFailure.withLock { $0 = $0 ?? reason }
    }
  }

  /// Throws the first failure, if any.
  public static func check() throws(AtomicFile.WriteError) {
    if let failure { throw AtomicFile.WriteError(path: "standard output", reason: failure) }
  }
}

/// stdout and stderr for a run's streamed output, with the progress line.
///
/// Lines to stdout are buffered (flushed per line when stdout is a terminal, per 64 KiB
/// otherwise); lines to stderr are written at once. The progress line lives on stderr, drawn
/// only when stderr is a terminal: it is erased before any other line is written, so output
/// never lands in the middle of it. Color only on a terminal, without `NO_COLOR` (no-color.org)
/// or `TERM=dumb`. A dumb terminal gets no escape sequence at all: the progress line is redrawn
/// with a carriage return and erased with spaces (as git does).
public final class Terminal: Sendable {
  public enum Stream: Sendable {
    /// stdout: data (reports, TAP).
    case output
    /// stderr: messages.
    case error
  }

  public enum Color: String, Sendable {
    case red = "31"
    case green = "32"
  }

  private struct State {
    var outputBuffer: [UInt8] = []
    var progressShown = false
    /// Characters of the progress line shown (a dumb terminal erases them with spaces).
    var progressWidth = 0
  }

  private let state = Mutex(State())
  public let outputIsTerminal: Bool
  public let errorIsTerminal: Bool
  private let colorAllowed: Bool
  /// `TERM=dumb`: no escape sequences.
  private let isDumb: Bool
  /// Where stderr's bytes go (file descriptor 2; a test's buffer).
  private let errorSink: @Sendable ([UInt8]) -> Void

  /// A terminal on the process's stdout and stderr.
  public convenience init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.init(environment: environment, outputIsTerminal: isatty(1) == 1, errorIsTerminal: isatty(2) == 1)
  }

  init(
    environment: [String: String], outputIsTerminal: Bool, errorIsTerminal: Bool,
    errorSink: @escaping @Sendable ([UInt8]) -> Void = { bytes in
      _ = bytes.withUnsafeBytes { FileDescriptor.writeAll(2, $0) }
    }
  ) {
    self.outputIsTerminal = outputIsTerminal
    self.errorIsTerminal = errorIsTerminal
    self.errorSink = errorSink
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    isDumb = environment["TERM"] == "dumb"
    colorAllowed = !noColor && !isDumb
  }

  /// Whether text on `stream` may be colored.
  public func allowsColor(on stream: Stream) -> Bool {
    colorAllowed && (stream == .output ? outputIsTerminal : errorIsTerminal)
  }

  /// `text` in `color` when `stream` allows it.
  public func colored(_ text: String, _ color: Color, on stream: Stream) -> String {
    allowsColor(on: stream) ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
  }

  /// Writes `line` and a newline to `stream`.
  public func write(_ line: String, to stream: Stream) {
    write([line], to: stream)
  }

  /// Writes each line with a newline to `stream`.
  public func write(_ lines: [String], to stream: Stream) {
    state.withLock { state in
      erasingProgress(&state)
      switch stream {
      case .output:
        for line in lines {
          state.outputBuffer.append(contentsOf: line.utf8)
          state.outputBuffer.append(0x0A)
        }
        if outputIsTerminal || state.outputBuffer.count >= 1 << 16 { flushOutput(&state) }
      case .error:
        flushOutput(&state)
        var bytes: [UInt8] = []
        for line in lines {
          bytes.append(contentsOf: line.utf8)
          bytes.append(0x0A)
        }
        errorSink(bytes)
      }
    }
  }

  /// Writes buffered stdout.
  public func flush() {
    state.withLock { flushOutput(&$0) }
  }

  /// Throws if writing `stream` has failed (stdout only: a message that cannot reach stderr has
  /// nowhere else to go).
  public func check(_ stream: Stream) throws(AtomicFile.WriteError) {
    if stream == .output { try StandardOutput.check() }
  }

  /// Draws `text` as the progress line on stderr (only when stderr is a terminal).
  func showProgress(_ text: String) {
    guard errorIsTerminal else { return }
    state.withLock { state in
      flushOutput(&state)
      let width = text.count
      if isDumb {
        let rest = state.progressShown ? max(0, state.progressWidth - width) : 0
        errorSink(Array(("\r" + text + String(repeating: " ", count: rest)).utf8))
      } else {
        errorSink(Array(("\r\u{1B}[2K" + text).utf8))
      }
      state.progressShown = true
      state.progressWidth = width
    }
  }

  /// Erases the progress line.
  func clearProgress() {
    state.withLock { erasingProgress(&$0) }
  }

  private func erasingProgress(_ state: inout State) {
    guard state.progressShown else { return }
    if isDumb {
      errorSink(Array(("\r" + String(repeating: " ", count: state.progressWidth) + "\r").utf8))
    } else {
      errorSink(Array("\r\u{1B}[2K".utf8))
    }
    state.progressShown = false
  }

  private func flushOutput(_ state: inout State) {
    guard !state.outputBuffer.isEmpty else { return }
    StandardOutput.write(state.outputBuffer)
    state.outputBuffer.removeAll(keepingCapacity: true)
  }
}

/// The progress line of a run on a terminal: done/total, rate, ETA and failures so far, redrawn
/// at most 10 times a second from a timer (never from the workers).
public final class ProgressDisplay {
  /// Seconds between redraws.
  public static let interval = 0.1

  private let terminal: Terminal
  private let progress: RunProgress
  private let started: DispatchTime
  private let timer: DispatchSourceTimer

  /// Starts drawing (at once, then every `interval`); call `stop()` when the run ends.
  public init(terminal: Terminal, progress: RunProgress) {
    self.terminal = terminal
    self.progress = progress
    started = .now()
    // A queue of its own: the global queues' threads may all be busy running instances.
    timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "descent.progress"))
    timer.schedule(deadline: .now(), repeating: Self.interval)
    timer.setEventHandler { [terminal, progress, started] in
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
      terminal.showProgress(
        Self.line(
          done: progress.completed, total: progress.total, failures: progress.unsuccessful, elapsedSeconds: elapsed,
          failureColor: { terminal.colored($0, .red, on: .error) }))
    }
    timer.resume()
  }

  /// Stops the timer and erases the line.
  public func stop() {
    timer.cancel()
    terminal.clearProgress()
  }

  /// `[ 42%] 4,200/10,000 · 1,234/s · ETA 0:05 · 3 failed`.
  public static func line(
    done: Int, total: Int, failures: Int, elapsedSeconds: Double, failureColor: (String) -> String = { $0 }
  ) -> String {
    let percent = total > 0 ? done * 100 / total : 100
    let percentText = String(percent)
    var text = "[" + String(repeating: " ", count: max(0, 3 - percentText.count)) + percentText + "%] "
    text += grouped(done) + "/" + grouped(total)
    let rate = elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0
    if rate > 0 {
      text += " · " + grouped(Int(rate.rounded())) + "/s"
      text += " · ETA " + duration(Double(total - done) / rate)
    }
    if failures > 0 { text += " · " + failureColor("\(grouped(failures)) failed") }
    return text
  }

  /// 1234567 → "1,234,567" (progress only; reports never group digits).
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var text = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
      text.append(digit)
    }
    return (value < 0 ? "-" : "") + text
  }

  /// 65 → "1:05", 3725 → "1:02:05".
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let total = Int(seconds.rounded(.up))
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
    let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
    return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
  }
}
