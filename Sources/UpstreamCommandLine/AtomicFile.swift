import Foundation
import Upstream

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Writing files safely

/// The one way Upstream writes a file a person owns: formatted rules, sessions, reports.
///
/// The rules, in order:
/// - a symbolic link is followed, and the file it points to is the one replaced (the link
///   stays a link);
/// - only a regular file is replaced: a folder, FIFO, device or socket is refused;
/// - a file the command reads (`inputs`, compared by device and inode) is refused, so
///   `assess --answers in.json --output in.json` cannot destroy the answers;
/// - a file we may not write (read-only) is refused, not silently overwritten;
/// - the text goes to a temporary file beside the target, is flushed to disk, gets the
///   old file's mode, owner and extended attributes, and is renamed over it, so a killed
///   process leaves the old file or the new one, never a mix;
/// - with `unlessChangedFrom`, the target is read again just before the rename and left
///   alone when it no longer holds those bytes (someone saved it meanwhile).
///
/// Every refusal is a `CommandError.file` (exit 4) that names the path and says why.
package enum AtomicFile {
  /// What became of a write.
  package enum Outcome: Sendable, Equatable {
    case written
    /// The file changed on disk since it was read; it was left as it is.
    case skippedChangedMeanwhile
  }

  /// Writes `text` to `path` by the rules above.
  @discardableResult
  package static func write(
    _ text: String, to path: String, inputs: [String] = [], unlessChangedFrom original: Data? = nil
  ) throws -> Outcome {
    let draft = try Draft(path, inputs: inputs)
    try draft.append(text)
    return try draft.commit(unlessChangedFrom: original)
  }

  /// A file being written by the rules above, a block at a time (a batch's records): the
  /// text goes to a temporary file beside the target, which replaces the target only on
  /// `commit()`. A draft never committed is removed, leaving the old file as it was.
  package final class Draft {
    private let path: String
    private let target: String
    private let folder: String
    private let temporary: String
    private let descriptor: Int32
    /// The file replaced, when there is one: its mode, owner and attributes are kept.
    private let existing: stat?
    private var open = true

    /// Checks that `path` may be replaced, and opens the temporary file beside it.
    package init(_ path: String, inputs: [String] = []) throws {
      self.path = path
      target = AtomicFile.resolvingLinks(path)
      var found = stat()
      let exists = lstat(target, &found) == 0
      if exists {
        let kind = found.st_mode & S_IFMT
        guard kind == S_IFREG else {
          throw CommandError.file("cannot write '\(path)': it is \(FileKind.describe(kind)), not a regular file; choose a file name")
        }
        for input in inputs {
          var read = stat()
          if stat(input, &read) == 0, read.st_dev == found.st_dev, read.st_ino == found.st_ino {
            throw CommandError.file("cannot write '\(path)': it is '\(input)', which this command reads; write the output to another file")
          }
        }
        // Read-only by its mode (which root's access() would ignore) or for this user.
        guard found.st_mode & 0o222 != 0, access(target, W_OK) == 0 else {
          throw CommandError.file("cannot write '\(path)': the file is read-only; make it writable or choose another file")
        }
      }
      existing = exists ? found : nil
      let url = URL(fileURLWithPath: target)
      folder = url.deletingLastPathComponent().path
      temporary = (folder as NSString).appendingPathComponent(
        ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
      descriptor = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
      guard descriptor >= 0 else {
        throw CommandError.file("cannot write '\(path)': cannot create a file in '\(folder)' (\(String(cString: strerror(errno))))")
      }
    }

    deinit { discard() }

    /// Adds text to the end of the draft.
    package func append(_ text: String) throws {
      var text = text
      if let failure = text.withUTF8({ Console.writeAll(UnsafeRawBufferPointer($0), to: descriptor) }) {
        discard()
        throw CommandError.file("cannot write '\(path)': \(String(cString: strerror(failure)))")
      }
    }

    /// Puts the draft in the target's place (flushed to disk first), or, with
    /// `unlessChangedFrom`, leaves the target alone if it no longer holds those bytes.
    package func commit(unlessChangedFrom original: Data? = nil) throws -> Outcome {
      defer { discard() }
      if let existing {
        _ = fchmod(descriptor, existing.st_mode & 0o7777)
        _ = fchown(descriptor, existing.st_uid, existing.st_gid)  // only root may give a file away; fine to fail
        AtomicFile.copyExtendedAttributes(from: target, to: descriptor)
      }
      guard fsync(descriptor) == 0 else {
        throw CommandError.file("cannot write '\(path)': \(String(cString: strerror(errno)))")
      }
      if let original, existing != nil {
        // The last look before the rename: a file saved meanwhile is not reverted.
        guard FileManager.default.contents(atPath: target) == original else { return .skippedChangedMeanwhile }
      }
      guard rename(temporary, target) == 0 else {
        throw CommandError.file("cannot write '\(path)': \(String(cString: strerror(errno)))")
      }
      open = false
      _ = close(descriptor)
      // Flush the folder too, so the rename itself survives a power cut.
      let folderDescriptor = Foundation.open(folder.isEmpty ? "." : folder, O_RDONLY)
      if folderDescriptor >= 0 {
        _ = fsync(folderDescriptor)
        _ = close(folderDescriptor)
      }
      return .written
    }

    /// Removes the temporary file: the target stays as it was.
    package func discard() {
      guard open else { return }
      open = false
      _ = close(descriptor)
      _ = unlink(temporary)
    }
  }

  // MARK: Helpers

  /// The path with symbolic links followed (also when the final target does not exist
  /// yet), at most 40 links deep, as the kernel allows.
  static func resolvingLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { return current }
      current =
        destination.hasPrefix("/")
        ? destination : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
    }
    return current
  }

  /// Copies the extended attributes of the file at `path` onto an open file (best effort).
  fileprivate static func copyExtendedAttributes(from path: String, to descriptor: Int32) {
    #if canImport(Glibc)
      // Glibc's module map leaves out <sys/xattr.h>; the functions are in the C library.
      typealias List = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int) -> Int
      typealias Get = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int
      typealias Set = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32) -> Int32
      guard let library = dlopen(nil, RTLD_NOW), let listSymbol = dlsym(library, "listxattr"),
        let getSymbol = dlsym(library, "getxattr"), let setSymbol = dlsym(library, "fsetxattr")
      else { return }
      let listxattr = unsafeBitCast(listSymbol, to: List.self)
      let getxattr = unsafeBitCast(getSymbol, to: Get.self)
      let fsetxattr = unsafeBitCast(setSymbol, to: Set.self)
      let size = listxattr(path, nil, 0)
      guard size > 0 else { return }
      var names = [CChar](repeating: 0, count: size)
      guard listxattr(path, &names, size) == size else { return }
      for name in names.split(separator: 0).map({ String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }) {
        let length = getxattr(path, name, nil, 0)
        guard length >= 0 else { continue }
        var value = [UInt8](repeating: 0, count: max(1, length))
        guard getxattr(path, name, &value, length) == length else { continue }
        _ = fsetxattr(descriptor, name, value, length, 0)
      }
    #elseif canImport(Darwin)
      let size = listxattr(path, nil, 0, 0)
      guard size > 0 else { return }
      var names = [CChar](repeating: 0, count: size)
      guard listxattr(path, &names, size, 0) == size else { return }
      for name in names.split(separator: 0).map({ String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }) {
        let length = getxattr(path, name, nil, 0, 0, 0)
        guard length >= 0 else { continue }
        var value = [UInt8](repeating: 0, count: max(1, length))
        guard getxattr(path, name, &value, length, 0, 0) == length else { continue }
        _ = fsetxattr(descriptor, name, value, length, 0, 0)
      }
    #endif
  }
}
