import Foundation
import Synchronization

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
    let stream = try AtomicFileStream(path: path)
    do {
      try stream.write(bytes)
      try stream.commit()
    } catch {
      stream.abandon()
      throw error
    }
  }
}

/// A file written piece by piece and put in place atomically: the bytes go to a hidden
/// temporary file beside `path` (through a 64 KiB buffer, so memory stays flat however much is
/// written), and only `commit()` renames it over `path`. `abandon()` — or dropping the stream
/// uncommitted — deletes the temporary file, so an interrupted writer leaves no partial file.
public final class AtomicFileStream {
  public let path: String
  /// The temporary file the bytes go to until `commit()`.
  public let temporaryPath: String
  /// Whether `commit()` fsyncs the file and its folder (reports: yes; trajectory dumps, which
  /// only need to never be seen half-written, skip the cost).
  public let durable: Bool
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private static let bufferSize = 1 << 16

  /// Creates the temporary file; throws if the folder is missing or not writable.
  public init(path: String, durable: Bool = true) throws(AtomicFile.WriteError) {
    self.path = path
    self.durable = durable
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    temporaryPath = folder + "." + name + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    ScratchFiles.register(temporaryPath)
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      ScratchFiles.unregister(temporaryPath)
      throw AtomicFile.WriteError(path: path, reason: reason)
    }
    buffer.reserveCapacity(Self.bufferSize)
  }

  deinit {
    if descriptor >= 0 { abandon() }
  }

  /// Appends the UTF-8 bytes of `text`.
  public func write(_ text: String) throws(AtomicFile.WriteError) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= Self.bufferSize { try flush() }
  }

  /// Appends `bytes`.
  public func write(_ bytes: [UInt8]) throws(AtomicFile.WriteError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.bufferSize { try flush() }
  }

  /// Writes the buffered bytes to the temporary file.
  public func flush() throws(AtomicFile.WriteError) {
    guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: "already closed") }
    let failure = buffer.withUnsafeBytes { FileDescriptor.writeAll(descriptor, $0) }
    buffer.removeAll(keepingCapacity: true)
    if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
  }

  /// Flushes, (if durable) fsyncs, and renames the temporary file over `path`.
  public func commit() throws(AtomicFile.WriteError) {
    try close().commit()
  }

  /// Flushes, (if durable) fsyncs and closes the temporary file, leaving the rename to the
  /// returned value — which may be handed to another thread (trajectory dumps are written by
  /// workers and put in place in id order).
  public func close() throws(AtomicFile.WriteError) -> PendingRename {
    do throws(AtomicFile.WriteError) {
      try flush()
      if durable && fsync(descriptor) != 0 {
        throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
      }
    } catch {
      abandon()
      throw error
    }
    Foundation.close(descriptor)
    descriptor = -1
    buffer = []
    return PendingRename(temporaryPath: temporaryPath, path: path, durable: durable)
  }

  /// Deletes the temporary file; `path` is left as it was.
  public func abandon() {
    if descriptor >= 0 {
      Foundation.close(descriptor)
      descriptor = -1
      unlink(temporaryPath)
      ScratchFiles.unregister(temporaryPath)
    }
    buffer = []
  }
}

/// A complete, closed temporary file waiting to be renamed over its target.
public struct PendingRename: Sendable, Hashable {
  public let temporaryPath: String
  public let path: String
  public let durable: Bool

  /// Renames the temporary file over `path` (and, if durable, fsyncs the folder).
  public func commit() throws(AtomicFile.WriteError) {
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      discard()
      throw AtomicFile.WriteError(path: path, reason: reason)
    }
    ScratchFiles.unregister(temporaryPath)
    if durable {
      let slash = path.lastIndex(of: "/")
      let folder = slash.map { String(path[...$0]) } ?? "."
      let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC)
      if folderDescriptor >= 0 {
        fsync(folderDescriptor)
        Foundation.close(folderDescriptor)
      }
    }
  }

  /// Deletes the temporary file.
  public func discard() {
    unlink(temporaryPath)
    ScratchFiles.unregister(temporaryPath)
  }
}

/// A scratch file for bytes that are read back later (the JUnit writer's testcases), deleted by
/// `remove()`; never a report itself.
final class SpoolFile {
  let path: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  /// Bytes written so far (including those still buffered).
  private(set) var size = 0

  /// A hidden scratch file beside `reportPath`.
  init(besides reportPath: String) throws(AtomicFile.WriteError) {
    let slash = reportPath.lastIndex(of: "/")
    let folder = slash.map { String(reportPath[...$0]) } ?? ""
    let name = slash.map { String(reportPath[reportPath.index(after: $0)...]) } ?? reportPath
    path = folder + "." + name + ".spool-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    ScratchFiles.register(path)
    descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      ScratchFiles.unregister(path)
      throw AtomicFile.WriteError(path: reportPath, reason: reason)
    }
  }

  deinit { remove() }

  func write(_ text: String) throws(AtomicFile.WriteError) {
    buffer.append(contentsOf: text.utf8)
    size += text.utf8.count
    if buffer.count >= 1 << 16 { try flush() }
  }

  private func flush() throws(AtomicFile.WriteError) {
    let failure = buffer.withUnsafeBytes { FileDescriptor.writeAll(descriptor, $0) }
    buffer.removeAll(keepingCapacity: true)
    if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
  }

  /// Copies bytes `range` of the spool to `stream`.
  func copy(_ range: Range<Int>, to stream: AtomicFileStream) throws(AtomicFile.WriteError) {
    try flush()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var offset = range.lowerBound
    while offset < range.upperBound {
      let wanted = min(chunk.count, range.upperBound - offset)
      let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, wanted, off_t(offset)) }
      if read < 0 && errno == EINTR { continue }
      guard read > 0 else {
        throw AtomicFile.WriteError(path: path, reason: read < 0 ? String(cString: strerror(errno)) : "short read")
      }
      try stream.write(read == chunk.count ? chunk : Array(chunk[0..<read]))
      offset += read
    }
  }

  func remove() {
    if descriptor >= 0 {
      Foundation.close(descriptor)
      descriptor = -1
      unlink(path)
      ScratchFiles.unregister(path)
    }
  }
}

/// Temporary files that exist right now, so that a forced exit (a second Ctrl-C) can delete them
/// and leave no partial file behind.
public enum ScratchFiles {
  private static let paths = Mutex<Set<String>>([])

  static func register(_ path: String) { _ = paths.withLock { $0.insert(path) } }

  static func unregister(_ path: String) { _ = paths.withLock { $0.remove(path) } }

  /// Deletes every registered temporary file (for an exit that cannot wait for writers).
  public static func removeAll() {
    let all = paths.withLock { paths in
      defer { paths.removeAll() }
      return paths
    }
    for path in all { unlink(path) }
  }
}

enum FileDescriptor {
  /// Writes all of `bytes` to `descriptor`, retrying short writes; the error text on failure.
  static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    var written = 0
    while written < bytes.count {
      let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if result < 0 {
        if errno == EINTR { continue }
        return String(cString: strerror(errno))
      }
      written += result
    }
    return nil
  }
}
