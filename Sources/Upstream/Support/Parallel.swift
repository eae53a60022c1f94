import Dispatch
import Foundation

// MARK: - Independent pieces of work on several threads

/// Runs independent pieces of work on up to a given number of threads, giving their
/// results in the order of the pieces, whatever order they finished in.
package enum Parallel {
  /// `work(index)` for each index in `0..<count`, on up to `jobs` threads at once (the
  /// calling thread is one of them); the results are in index order. With one job, or one
  /// piece, everything runs on the calling thread, one piece after another.
  package static func map<Result: Sendable>(count: Int, jobs: Int, _ work: @Sendable (Int) -> Result) -> [Result] {
    let threads = min(max(1, jobs), count)
    guard threads > 1 else { return (0..<count).map(work) }
    let slots = Slots<Result>(count: count)
    // Each thread takes the next piece not yet started, so a long piece does not hold
    // up the others behind it.
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
      while let index = slots.nextIndex() { slots.store(work(index), at: index) }
    }
    return slots.results()
  }
}

/// The results of the pieces as they finish, and the next piece to start, under one lock.
private final class Slots<Result: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Result?]
  private var next = 0

  init(count: Int) { values = Array(repeating: nil, count: count) }

  /// The next piece to start, or nil when every piece has been started.
  func nextIndex() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < values.count else { return nil }
    defer { next += 1 }
    return next
  }

  func store(_ value: Result, at index: Int) {
    lock.lock()
    values[index] = value
    lock.unlock()
  }

  /// Every piece's result, in order (called once all have finished).
  func results() -> [Result] {
    lock.lock()
    defer { lock.unlock() }
    return values.compactMap { $0 }
  }
}

// MARK: - Worked out once, when first asked for

/// What every `Memo` is, whatever it holds: a cache, never part of what a value means
/// (the formatter's meaning fingerprint passes over it).
package protocol FirstAskMemo: AnyObject {}

/// A value worked out the first time any thread asks for it, then kept: for what only
/// some checks need (the number bands, each rule's condition key), so that a load that
/// runs none of them does not pay for it, and checks running side by side share it.
package final class Memo<Value: Sendable>: FirstAskMemo, @unchecked Sendable {
  private let lock = NSLock()
  private var kept: Value?
  private let make: @Sendable () -> Value

  package init(_ make: @escaping @Sendable () -> Value) { self.make = make }

  /// The value, worked out now if no one has asked before (a second thread asking
  /// meanwhile waits for it rather than working it out again).
  package var value: Value {
    lock.lock()
    defer { lock.unlock() }
    if let kept { return kept }
    let value = make()
    kept = value
    return value
  }
}
