import Foundation
import Synchronization

/// Writes report files atomically (google/renameio's recipe): a temporary file in the same
/// folder, fsync, rename over the target, fsync the folder. A reader never sees a half-written
/// report, and an interrupted run leaves either the old file or none.
///
/// The target is the file a path finally names: symbolic links are followed, so a link keeps
/// pointing where it did and the file it points to is replaced. A target that exists and is not
/// a regular file — a terminal, a pipe or FIFO, a device such as `/dev/null`, or an open
/// descriptor such as `/dev/stdout` — cannot be replaced (and a rename would destroy the node):
/// it is written directly, in place, as the bytes come.
public enum AtomicFile {
  public struct WriteError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }

    public init(path: String, reason: String) {
      self.path = path
      self.reason = reason
    }
  }

  /// Where the bytes written to a path end up.
  public enum Target: Sendable, Hashable {
    /// A regular file, or none yet: replaced atomically. `path` has every symbolic link
    /// resolved, so the temporary file is made beside the file that is replaced.
    case replace(path: String)
    /// An existing node that is not a regular file (FIFO, device, socket): opened and written
    /// in place.
    case direct(path: String)
    /// An open descriptor of this process, named by `/dev/stdout`, `/dev/fd/N` or
    /// `/proc/self/fd/N`: written through a duplicate of it, sharing its offset.
    case descriptor(Int32)
  }

  /// The most symbolic links followed before giving up (Linux's own limit).
  static let maximumLinks = 40

  /// Where writing `path` ends up; throws for an empty path, a folder, a symbolic-link loop.
  public static func target(of path: String) throws(WriteError) -> Target {
    guard !path.isEmpty else { throw WriteError(path: path, reason: "the path is empty") }
    guard !path.hasSuffix("/") else { throw WriteError(path: path, reason: "names a folder, not a file") }
    var current = path
    for _ in 0...maximumLinks {
      if let descriptor = openDescriptor(named: current) { return .descriptor(descriptor) }
      if current.hasPrefix("/proc/") { return .direct(path: path) }
      var info = stat()
      guard lstat(current, &info) == 0 else {
        if errno == ENOENT { return .replace(path: current) }
        throw WriteError(path: path, reason: String(cString: strerror(errno)))
      }
      switch info.st_mode & S_IFMT {
      case S_IFLNK:
        var bytes = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(current, &bytes, bytes.count - 1)
        guard count >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        let link = String(decoding: bytes[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        current = link.hasPrefix("/") ? link : folder(of: current) + link
      case S_IFREG: return .replace(path: current)
      case S_IFDIR: throw WriteError(path: path, reason: "is a folder, not a file")
      default: return .direct(path: path)
      }
    }
    throw WriteError(path: path, reason: "too many levels of symbolic links")
  }

  /// The descriptor `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N` names.
  private static func openDescriptor(named path: String) -> Int32? {
    switch path {
    case "/dev/stdin": return 0
    case "/dev/stdout": return 1
    case "/dev/stderr": return 2
    default: break
    }
    for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/\(getpid())/fd/"] where path.hasPrefix(prefix) {
      return Int32(path.dropFirst(prefix.count))
    }
    return nil
  }

  /// `a/b/` for `a/b/c`, `""` for `c`.
  public static func folder(of path: String) -> String {
    path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
  }

  /// The longest file name most file systems allow (NAME_MAX), in bytes.
  static let maximumNameBytes = 255

  /// The hidden scratch file name `.NAME` + `suffix` for a file called `name`, with `name` cut
  /// (between characters) as needed to stay within `maximumNameBytes`: a report may have a
  /// name of 255 bytes, its temporary file too.
  static func scratchName(_ name: String, suffix: String) -> String {
    var kept = Substring(name)
    while 1 + kept.utf8.count + suffix.utf8.count > maximumNameBytes { kept = kept.dropLast() }
    return "." + kept + suffix
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
/// temporary file beside the target (through a 64 KiB buffer, so memory stays flat however
/// much is written), and only `commit()` renames it over the target. `abandon()` — or dropping
/// the stream uncommitted — deletes the temporary file, so an interrupted writer leaves no
/// partial file. A target that is not a regular file (`AtomicFile.Target`) is written in place
/// instead: nothing to rename, and what was flushed before an `abandon()` stays written.
public final class AtomicFileStream {
  /// The path as given (used in messages).
  public let path: String
  public let target: AtomicFile.Target
  /// The temporary file the bytes go to until `commit()`; nil when written in place.
  public let temporaryPath: String?
  /// Whether `commit()` fsyncs the file and its folder (reports: yes; trajectory dumps, which
  /// only need to never be seen half-written, skip the cost).
  public let durable: Bool
  /// Where the temporary file is noted, so that a forced exit deletes it.
  let scratch: ScratchFiles
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private static let bufferSize = 1 << 16

  /// Creates the temporary file (or opens the node written in place); throws if the folder is
  /// missing or not writable, the path names a folder, or a forced exit has begun
  /// (`ScratchFiles.removeAll`).
  public init(path: String, durable: Bool = true, scratch: ScratchFiles = .process) throws(AtomicFile.WriteError) {
    self.path = path
    self.durable = durable
    self.scratch = scratch
    target = try AtomicFile.target(of: path)
    switch target {
    case .replace(let file):
      let folder = AtomicFile.folder(of: file)
      let name = String(file.dropFirst(folder.count))
      let suffix = ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
      let temporary = folder + AtomicFile.scratchName(name, suffix: suffix)
      temporaryPath = temporary
      do {
        descriptor = try scratch.createFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o644)
      } catch {
        throw AtomicFile.WriteError(path: path, reason: error.reason)
      }
      // The replacement keeps the permissions of the file it replaces.
      var info = stat()
      if stat(file, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
        fchmod(descriptor, info.st_mode & 0o7777)
      }
    case .direct(let node):
      temporaryPath = nil
      descriptor = open(node, O_WRONLY | O_CLOEXEC)
    case .descriptor(let number):
      temporaryPath = nil
      descriptor = fcntl(number, F_DUPFD_CLOEXEC, 0)
    }
    guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
    buffer.reserveCapacity(Self.bufferSize)
  }

  deinit {
    if descriptor >= 0 { abandon() }
  }

  /// Where scratch files that belong with this output go: beside the file it replaces, or the
  /// temporary folder for an output written in place.
  public var scratchFolder: String {
    if case .replace(let file) = target { return AtomicFile.folder(of: file) }
    let temporary = NSTemporaryDirectory()
    return temporary.hasSuffix("/") ? temporary : temporary + "/"
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

  /// Writes the buffered bytes to the temporary file (or the node written in place).
  public func flush() throws(AtomicFile.WriteError) {
    guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: "already closed") }
    let failure = buffer.withUnsafeBytes { FileDescriptor.writeAll(descriptor, $0) }
    buffer.removeAll(keepingCapacity: true)
    if let failure { throw AtomicFile.WriteError(path: path, reason: failure) }
  }

  /// Flushes, (if durable) fsyncs, and renames the temporary file over the target.
  public func commit() throws(AtomicFile.WriteError) {
    try close().commit()
  }

  /// Flushes, (if durable) fsyncs and closes the temporary file, leaving the rename to the
  /// returned value — which may be handed to another thread (trajectory dumps are written by
  /// workers and put in place in id order), or committed with others as a group
  /// (`PendingRename.commitAll`).
  public func close() throws(AtomicFile.WriteError) -> PendingRename {
    do throws(AtomicFile.WriteError) {
      try flush()
      if durable && temporaryPath != nil && fsync(descriptor) != 0 {
        throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
      }
    } catch {
      abandon()
      throw error
    }
    Foundation.close(descriptor)
    descriptor = -1
    buffer = []
    let file: String
    if case .replace(let resolved) = target { file = resolved } else { file = path }
    return PendingRename(temporaryPath: temporaryPath, path: path, target: file, durable: durable, scratch: scratch)
  }

  /// Deletes the temporary file; the target is left as it was (an output written in place
  /// keeps what was flushed to it).
  public func abandon() {
    if descriptor >= 0 {
      Foundation.close(descriptor)
      descriptor = -1
      if let temporaryPath {
        unlink(temporaryPath)
        scratch.forget(temporaryPath)
      }
    }
    buffer = []
  }
}

/// A complete, closed temporary file waiting to be renamed over its target.
public struct PendingRename: Sendable {
  /// nil for an output written in place: there is nothing to rename.
  public let temporaryPath: String?
  /// The path as given (used in messages).
  public let path: String
  /// The file the rename replaces (symbolic links resolved).
  public let target: String
  public let durable: Bool
  /// Where the temporary file is noted.
  let scratch: ScratchFiles

  /// Renames the temporary file over the target (and, if durable, fsyncs the folder).
  public func commit() throws(AtomicFile.WriteError) {
    try Self.commitAll([self])
  }

  /// Renames every temporary file over its target, back to back, as one group: a forced exit
  /// (a second Ctrl-C, `ScratchFiles.removeAll`) waits until the group is done, so either every
  /// file of the group is in place or — had the exit come first — none. Then fsyncs the
  /// folders of the durable ones, each once. (The renames are all noted in one `ScratchFiles`,
  /// that of the first.)
  ///
  /// A rename that fails (the folder was removed meanwhile) stops the group: the renames before
  /// it stay done, the temporary files after it are deleted, and the failure is thrown.
  public static func commitAll(_ renames: [PendingRename]) throws(AtomicFile.WriteError) {
    guard let scratch = renames.first?.scratch else { return }
    var failure: AtomicFile.WriteError?
    scratch.whileCommitting {
      for pending in renames {
        guard failure == nil else {
          pending.discard()
          continue
        }
        guard let temporaryPath = pending.temporaryPath else { continue }
        if rename(temporaryPath, pending.target) == 0 {
          pending.scratch.forget(temporaryPath)
        } else {
          failure = AtomicFile.WriteError(path: pending.path, reason: String(cString: strerror(errno)))
          pending.discard()
        }
      }
    }
    if let failure { throw failure }
    var synced: Set<String> = []
    for pending in renames where pending.durable && pending.temporaryPath != nil {
      let folder = AtomicFile.folder(of: pending.target)
      guard synced.insert(folder).inserted else { continue }
      let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
      if folderDescriptor >= 0 {
        fsync(folderDescriptor)
        Foundation.close(folderDescriptor)
      }
    }
  }

  /// Deletes the temporary file.
  public func discard() {
    guard let temporaryPath else { return }
    unlink(temporaryPath)
    scratch.forget(temporaryPath)
  }
}

/// A scratch file for bytes that are read back later (the JUnit writer's testcases), deleted by
/// `remove()`; never a report itself.
final class SpoolFile {
  let path: String
  private let scratch: ScratchFiles
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  /// Bytes written so far (including those still buffered).
  private(set) var size = 0

  /// A hidden scratch file beside the file `report` replaces (in the temporary folder when the
  /// report is written in place, e.g. to `/dev/stdout`).
  init(for report: AtomicFileStream) throws(AtomicFile.WriteError) {
    let name = report.path.split(separator: "/").last.map(String.init) ?? "report"
    path =
      report.scratchFolder
      + AtomicFile.scratchName(name, suffix: ".spool-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    scratch = report.scratch
    do {
      descriptor = try scratch.createFile(path, flags: O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600)
    } catch {
      throw AtomicFile.WriteError(path: report.path, reason: "cannot make a scratch file beside it: \(error.reason)")
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
      scratch.forget(path)
    }
  }
}

/// The temporary files that exist right now, so that a forced exit (a second Ctrl-C) can delete
/// them and leave no partial file behind; and the folders a run made, so that a run that fails
/// can remove those it left empty.
///
/// Files and folders are made *through* it (`createFile`, `makeFolder`): the `open` or `mkdir`
/// and the note of it are one step under the lock that `removeAll` takes, and `removeAll` closes
/// it for good. So a file being made while a forced exit deletes the others is either made
/// first, and deleted, or refused — never made after the deletions, left behind by the exit.
public final class ScratchFiles: Sendable {
  /// The process's own: every report, dump and spool file descent makes is noted here.
  public static let process = ScratchFiles()

  /// Why a scratch file could not be made.
  public struct Refusal: Error, Sendable {
    public var reason: String
  }

  private struct State {
    var files: Set<String> = []
    var folders: [String] = []
    /// Set by `removeAll`: nothing more is made.
    var closed = false
  }

  private let state = Mutex(State())
  /// Held while a group of renames is under way (`PendingRename.commitAll`) and while a forced
  /// exit deletes the temporary files, so that the two never interleave.
  private let commitLock = Mutex<Void>(())

  static let closedReason = "descent is stopping (interrupted again); nothing more is written"

  public init() {}

  /// Opens `path` with `flags` (which create it: `O_CREAT | O_EXCL`) and `mode`, and notes it,
  /// both under the lock; refused once `removeAll` has run. Returns the descriptor.
  func createFile(_ path: String, flags: Int32, mode: mode_t) throws(Refusal) -> Int32 {
    let outcome: Result<Int32, Refusal> = state.withLock { state in
      guard !state.closed else { return .failure(Refusal(reason: Self.closedReason)) }
      let descriptor = open(path, flags, mode)
      guard descriptor >= 0 else { return .failure(Refusal(reason: String(cString: strerror(errno)))) }
      state.files.insert(path)
      return .success(descriptor)
    }
    return try outcome.get()
  }

  /// Makes the folder `path` and notes it, both under the lock; refused once `removeAll` has run.
  /// Returns 0, or the `errno` of the failure (`ECANCELED` when refused).
  func makeFolder(_ path: String) -> Int32 {
    state.withLock { state in
      guard !state.closed else { return ECANCELED }
      guard mkdir(path, 0o755) == 0 else { return errno }
      state.folders.append(path)
      return 0
    }
  }

  /// Forgets `path` (deleted, or renamed into place).
  func forget(_ path: String) { _ = state.withLock { $0.files.remove(path) } }

  /// Runs `body` (renames) so that `removeAll` waits for it to end.
  func whileCommitting(_ body: () -> Void) {
    commitLock.withLock { _ in body() }
  }

  /// Removes the folders made through this that are (still) empty, deepest first; a folder that
  /// holds anything is left alone.
  public func removeEmptyFolders() {
    let folders = state.withLock { state in
      defer { state.folders.removeAll() }
      return state.folders
    }
    Self.removeEmpty(folders)
  }

  /// Deletes every temporary file and the folders left empty, and refuses to make any more (for
  /// an exit that cannot wait for writers). If a group of renames is under way, waits for it to
  /// end first.
  public func removeAll() {
    commitLock.withLock { _ in
      let (files, folders) = state.withLock { state in
        state.closed = true
        defer {
          state.files.removeAll()
          state.folders.removeAll()
        }
        return (state.files, state.folders)
      }
      for file in files { unlink(file) }
      Self.removeEmpty(folders)
    }
  }

  private static func removeEmpty(_ folders: [String]) {
    let deepestFirst = folders.sorted { $0.split(separator: "/").count > $1.split(separator: "/").count }
    for folder in deepestFirst { rmdir(folder) }
  }
}

/// Makes folders (with their missing parents), remembering those it made in `ScratchFiles`.
public enum Folders {
  /// Creates `folder` and every missing parent; throws if a part of it exists and is not a
  /// folder, or cannot be made (or a forced exit has begun).
  public static func make(_ folder: String, scratch: ScratchFiles = .process) throws(AtomicFile.WriteError) {
    var missing: [String] = []
    var current = folder
    while !current.isEmpty && current != "/" {
      var info = stat()
      if stat(current, &info) == 0 {
        guard info.st_mode & S_IFMT == S_IFDIR else {
          throw AtomicFile.WriteError(path: folder, reason: "\(current) exists and is not a folder")
        }
        break
      }
      missing.append(current)
      let parent = AtomicFile.folder(of: current.hasSuffix("/") ? String(current.dropLast()) : current)
      current = parent.hasSuffix("/") && parent != "/" ? String(parent.dropLast()) : parent
    }
    for path in missing.reversed() {
      let error = scratch.makeFolder(path)
      if error == 0 { continue }
      if error == ECANCELED {
        throw AtomicFile.WriteError(path: folder, reason: ScratchFiles.closedReason)
      }
      var info = stat()
      // Another thread (or process) made it meanwhile.
      guard error == EEXIST, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
        throw AtomicFile.WriteError(
          path: folder, reason: "cannot create the folder \(path): \(String(cString: strerror(error)))")
      }
    }
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
