import Foundation

/// Fans registry events out to any number of `AsyncStream` subscribers.
///
/// Buffering choice: each subscription buffers up to `bufferLimit` undelivered events (large by default). Publishing
/// never waits for a consumer, so a slow or abandoned subscriber can never block registry operations. A subscriber
/// that falls `bufferLimit` events behind is cut off rather than silently skipped: its stream delivers what it has
/// buffered and then finishes, so the consumer knows to resynchronise (re-read snapshots and resubscribe) instead of
/// acting on a history with holes in it. An unbounded buffer would let one stuck consumer grow memory forever.
///
/// A lock (not an actor) guards the table so that `subscribe()` registers synchronously — every event published
/// after it returns is delivered — and so that `onTermination` can unregister without spawning a task.
final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UInt64: AsyncStream<RoomEvent>.Continuation] = [:]
    private var nextID: UInt64 = 0
    let bufferLimit: Int

    init(bufferLimit: Int) {
        self.bufferLimit = max(1, bufferLimit)
    }

    var subscriberCount: Int {
        lock.withLock { subscribers.count }
    }

    func subscribe() -> AsyncStream<RoomEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: RoomEvent.self,
            bufferingPolicy: .bufferingOldest(bufferLimit))
        let id = lock.withLock {
            nextID += 1
            subscribers[nextID] = continuation
            return nextID
        }
        // Runs when the consumer stops iterating (task cancelled, stream dropped) or after `finish()`.
        continuation.onTermination = { [weak self] _ in
            self?.unsubscribe(id)
        }
        return stream
    }

    /// Delivers `event` to every current subscriber. Callers serialise publishing (the directory actor), which is
    /// what keeps every subscriber's order identical to the order of changes.
    func publish(_ event: RoomEvent) {
        // Yield outside the lock: a yield can resume a cancelled consumer whose `onTermination` takes this lock
        // (via `unsubscribe`), which deadlocked when the lock was held across the yields.
        let current = lock.withLock { subscribers }
        var overflowed: [UInt64] = []
        for (id, continuation) in current {
            if case .dropped = continuation.yield(event) {
                overflowed.append(id)
            }
        }
        guard !overflowed.isEmpty else { return }
        let cutOff = lock.withLock { overflowed.compactMap { subscribers.removeValue(forKey: $0) } }
        // finish() calls onTermination, which takes the lock again: also outside it.
        for continuation in cutOff {
            continuation.finish()
        }
    }

    /// Ends every subscription (directory shutdown).
    func finishAll() {
        let all = lock.withLock {
            let current = Array(subscribers.values)
            subscribers.removeAll()
            return current
        }
        for continuation in all {
            continuation.finish()
        }
    }

    private func unsubscribe(_ id: UInt64) {
        _ = lock.withLock { subscribers.removeValue(forKey: id) }
    }
}
