import Foundation

/// Writes report files atomically (google/renameio's recipe): a temporary file in the same
/// folder, fsync, rename over the target, fsync the folder. A reader never sees a half-written
/// report, and an interrupted run leaves either the old file or none.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
  }

  /// Replaces the file at `path` with `contents`.
  public static func write(_ contents: String, to path: String) throws(WriteError) {
    try write(Array(contents.utf8), to: path)
  }

  /// Replaces the file at `path` with `bytes`.
  public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    let failure: String? = bytes.withUnsafeBytes { buffer in
      while written < buffer.count {
        let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          return String(cString: strerror(errno))
        }
        written += result
      }
      return fsync(descriptor) == 0 ? nil : String(cString: strerror(errno))
    }
    close(descriptor)
    if let failure {
      unlink(temporary)
      throw WriteError(path: path, reason: failure)
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw WriteError(path: path, reason: reason)
    }
    let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }
}
