import DescentCore
import Foundation

/// |a − b| / max(|b|, tiny): the relative error of `value` against `reference`.
public func relativeError(_ value: Double, _ reference: Double) -> Double {
  if value == reference { return 0 }
  return abs(value - reference) / max(abs(reference), .leastNormalMagnitude)
}

/// ‖a − b‖ / ‖b‖ for vectors (0 when both are exactly equal).
public func relativeError(_ value: [Double], _ reference: [Double]) -> Double {
  precondition(value.count == reference.count)
  if value == reference { return 0 }
  let difference = zip(value, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
  let norm = reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
  return difference / max(norm, .leastNormalMagnitude)
}

/// Locations of the package, for tests that read shipped files or run the built binary.
public enum PackagePaths {
  /// The package root (the folder holding Package.swift).
  public static let root: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
  }()

  /// A file or folder under the package root.
  public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

/// Runs a problem and returns its outcome with the trajectory.
public func runRecording(_ problem: Problem) throws -> (outcome: RunOutcome, rows: [TrajectoryRecorder.Row]) {
  var recorder = TrajectoryRecorder()
  let outcome = try Engine.run(problem, observer: &recorder)
  return (outcome, recorder.rows)
}
