import DescentCore
import Foundation
import Synchronization

/// Streams one trajectory as CSV (`--dump DIR`): header `step,<variable names>,loss,grad_norm,lr`,
/// then row k = k, x_k, f(x_k), ‖∇f(x_k)‖, schedule(k) — the lr of the step taken from x_k — with
/// numbers in shortest round-trip form (`nan`, `inf`, `-inf` when not finite).
///
/// With `every` K > 1 only rows k = 0, K, 2K, … are written, plus the run's last row. Rows go
/// through the stream's 64 KiB buffer to the file as the run proceeds: memory is O(dimension)
/// however many steps the run takes.
public struct TrajectoryCSVWriter: TrajectoryObserver {
  private let stream: AtomicFileStream
  private let every: Int
  /// The most recent row when it was not written (k not a multiple of `every`).
  private var pendingStep: Int?
  private var pendingPoint: [Double]
  private var pendingLoss = 0.0
  private var pendingGradientNorm = 0.0
  private var pendingLearningRate = 0.0
  /// The first write error; later rows are dropped.
  public private(set) var failure: AtomicFile.WriteError?

  /// Writes the header for `variableNames` to `stream`.
  public init(stream: AtomicFileStream, variableNames: [String], every: Int = 1) {
    self.stream = stream
    self.every = max(1, every)
    pendingPoint = [Double](repeating: 0, count: variableNames.count)
    let names = variableNames.map(ReportText.csvField).joined(separator: ",")
    write("step," + names + (names.isEmpty ? "" : ",") + "loss,grad_norm,lr\n")
  }

  public mutating func record(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double
  ) {
    if step % every == 0 {
      pendingStep = nil
      write(Self.row(step: step, point: point, loss: loss, gradientNorm: gradientNorm, learningRate: learningRate))
      return
    }
    pendingStep = step
    for index in 0..<min(point.count, pendingPoint.count) { pendingPoint[index] = point[index] }
    pendingLoss = loss
    pendingGradientNorm = gradientNorm
    pendingLearningRate = learningRate
  }

  /// Writes the last row if `every` skipped it, and closes the file (not yet in place).
  public mutating func finish() throws(AtomicFile.WriteError) -> PendingRename {
    if let step = pendingStep {
      let row = pendingPoint.withUnsafeBufferPointer { point in
        Self.row(
          step: step, point: point, loss: pendingLoss, gradientNorm: pendingGradientNorm,
          learningRate: pendingLearningRate)
      }
      write(row)
      pendingStep = nil
    }
    if let failure {
      stream.abandon()
      throw failure
    }
    return try stream.close()
  }

  private mutating func write(_ text: String) {
    guard failure == nil else { return }
    do {
      try stream.write(text)
    } catch {
      failure = error
    }
  }

  static func row(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double
  ) -> String {
    var text = String(step)
    for value in point {
      text += ","
      text += NumberText.shortest(value)
    }
    text +=
      "," + NumberText.shortest(loss) + "," + NumberText.shortest(gradientNorm) + ","
      + NumberText.shortest(learningRate) + "\n"
    return text
  }
}

/// Where `--dump DIR` puts each instance's CSV: `DIR/<suite>/<scenario>.csv` for an instance
/// without parameters, `DIR/<suite>/<scenario>/<parameters>.csv` otherwise, where `<parameters>`
/// is the text between the id's brackets: `lr=0.5,start=[1]` is written `lr=0.5%2Cstart=%5B1%5D`.
///
/// Each path component keeps letters, digits and `_ - + = .`; every other byte of its UTF-8
/// (and a leading `.`) is written `%XX`, so names are safe on every file system, never hidden,
/// never `.`/`..`. A component longer than 180 bytes is cut to 160 and ends with `~` and the
/// FNV-1a hash of its own text (a `~` never appears otherwise): so every name stays far below
/// NAME_MAX (255 bytes) — at most 184 with `.csv`, 218 for its temporary file — distinct texts
/// keep distinct names, and every instance of a long-named suite or scenario shares its folder.
///
/// Every file name ends in `.csv` and no folder name does: a folder component whose name would
/// end in `.csv` (in any case) has that dot written `%2E` — scenario `a.csv` with parameters is
/// the folder `a%2Ecsv/`, while scenario `a` is the file `a.csv`; a suite `summary.csv` is the
/// folder `summary%2Ecsv/`, leaving `DIR/summary.csv` to the summary. Escaping is reversible
/// and files never share a folder's name, so distinct ids give distinct paths.
public enum TrajectoryFiles {
  /// The summary's name inside the dump folder.
  public static let summaryName = "summary.csv"
  static let maximumComponentBytes = 180
  static let truncatedComponentBytes = 160

  /// The folder, in the dump folder, of a suite's trajectories.
  public static func suiteFolder(_ suite: String) -> String { component(suite, isFolder: true) }

  /// The dump's path relative to the dump folder.
  public static func relativePath(id: String, suite: String, scenario: String) -> String {
    let suiteFolder = suiteFolder(suite)
    let prefix = suite + "/" + scenario
    guard id.hasPrefix(prefix + "["), id.hasSuffix("]") else {
      return suiteFolder + "/" + component(scenario, isFolder: false) + ".csv"
    }
    let parameters = String(id.dropFirst(prefix.count + 1).dropLast())
    return suiteFolder + "/" + component(scenario, isFolder: true) + "/"
      + component(parameters, isFolder: false) + ".csv"
  }

  /// One path component, escaped (and shortened with its text's hash when too long). A folder's
  /// component never ends in `.csv`, so it never equals a file's name.
  static func component(_ text: String, isFolder: Bool) -> String {
    let bytes = Array(text.utf8)
    // The offset of a dot that would make a folder's name end in `.csv`.
    let csvDot =
      isFolder && bytes.count >= 4 && String(decoding: bytes.suffix(4), as: UTF8.self).lowercased() == ".csv"
      ? bytes.count - 4 : nil
    func isSafe(_ byte: UInt8, at offset: Int) -> Bool {
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "_-+=".utf8.contains(byte)
        || (byte == UInt8(ascii: ".") && offset > 0 && offset != csvDot)
    }
    if bytes.count <= maximumComponentBytes && bytes.enumerated().allSatisfy({ isSafe($1, at: $0) }) {
      return text
    }
    var output = ""
    for (offset, byte) in bytes.enumerated() {
      if isSafe(byte, at: offset) {
        output.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
      }
    }
    guard output.utf8.count > maximumComponentBytes else { return output }
    var cut = String(output.prefix(truncatedComponentBytes))
    // Do not split a %XX escape.
    if let percent = cut.suffix(2).firstIndex(of: "%") { cut = String(cut[..<percent]) }
    return cut + "~" + JSONReport.hex(StableHash.fnv1a(text))
  }
}

/// Makes the folders of a dump, each once, from any thread (`Folders.make`, so a failed run can
/// remove those it left empty).
final class FolderMaker: Sendable {
  private let made = Mutex<Set<String>>([])

  /// Creates `folder` and its parents if needed.
  func make(_ folder: String) throws(AtomicFile.WriteError) {
    if made.withLock({ $0.contains(folder) }) { return }
    try Folders.make(folder)
    _ = made.withLock { $0.insert(folder) }
  }
}

/// `summary.csv`: one row per instance, in id order, with the header
/// `index,id,suite,scenario,status,regime,converged,steps_to_tolerance,steps_taken,final_loss,final_error,final_gradient_norm,seed,trajectory,reason`.
/// Empty fields where a value does not exist (not converged, could not run); `trajectory` is
/// the instance's CSV in the dump folder (`TrajectoryFiles`); `reason` the failure reasons.
public final class SummaryCSVWriter: ReportWriter {
  public static let header =
    "index,id,suite,scenario,status,regime,converged,steps_to_tolerance,steps_taken,final_loss,final_error,final_gradient_norm,seed,trajectory,reason"

  private let stream: AtomicFileStream

  public init(path: String) throws {
    stream = try AtomicFileStream(path: path)
  }

  public func begin(_ header: RunHeader) throws {
    try stream.write(Self.header + "\n")
  }

  public var renderer: RecordRenderer? { { Self.row($0) } }

  public func write(_ record: ResultRecord, rendered: String?) throws {
    try stream.write(rendered ?? Self.row(record))
  }

  public func close(_ ending: RunEnding) throws -> PendingRename? { try stream.close() }

  /// A CSV has no place to say that the run was incomplete: the console names the file instead.
  public var unmarkedFile: String? { stream.path }

  public func abandon() { stream.abandon() }

  static func row(_ record: ResultRecord) -> String {
    let number = { (value: Double?) in value.map(NumberText.shortest) ?? "" }
    let fields = [
      String(record.ordinal), record.id, record.suite, record.scenario, record.status.rawValue, record.regime ?? "",
      record.converged.map { $0 ? "true" : "false" } ?? "", record.stepsToTolerance.map(String.init) ?? "",
      record.stepsTaken.map(String.init) ?? "", number(record.finalLoss), number(record.finalError),
      number(record.finalGradientNorm), record.seed,
      TrajectoryFiles.relativePath(id: record.id, suite: record.suite, scenario: record.scenario),
      record.reasons.joined(separator: "; "),
    ]
    return fields.map(ReportText.csvField).joined(separator: ",") + "\n"
  }
}
