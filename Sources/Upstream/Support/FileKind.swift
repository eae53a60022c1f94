import Foundation

// MARK: - Kinds of file, in words

/// Names a kind of file for messages such as "it is a folder": one description shared by
/// the rule loader (which reads only regular files) and the command line's atomic writer
/// (which writes only regular files).
package enum FileKind {
  /// What a file of this kind (`st_mode & S_IFMT`) is, in words.
  package static func describe(_ kind: mode_t) -> String {
    switch kind {
    case S_IFDIR: "a folder"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFCHR, S_IFBLK: "a device"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
  }
}
