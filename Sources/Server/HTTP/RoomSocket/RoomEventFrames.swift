import Foundation
import ParleyRooms

/// The frames a room's sockets derive from registry events, encoded by the first session that needs one and reused
/// by every other member's session.
///
/// Each session turns the registry's events into frames on its own (its event stream, its own view of the room),
/// but a `userjoin`, `userleave`, `publish`... frame depends only on the event: without this, a room of n members
/// encodes every such event n times, and n members joining one by one cost about n² encodes. Sessions run behind
/// each other by a few events at most in practice, so a small bound keeps nearly every hit; a miss only costs the
/// encode it would have cost anyway.
final class RoomEventFrames: @unchecked Sendable {
    private struct Key: Hashable {
        let event: RoomEvent
        let name: String
    }

    let capacity: Int
    private let lock = NSLock()
    private var frames: [Key: RoomSocketFrame] = [:]
    /// Keys in insertion order, oldest evicted first.
    private var ring: [Key] = []
    private var next = 0

    init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
    }

    /// The frame named `name` for `event`, encoded by `encode` only when no member's session has done so lately.
    func frame(_ name: String, for event: RoomEvent, encode: () -> String) -> RoomSocketFrame {
        let key = Key(event: event, name: name)
        if let cached = lock.withLock({ frames[key] }) { return cached }
        // Encoded outside the lock: sessions never wait on each other's encoding (two may race; both are equal).
        let frame = RoomSocketFrame(encode())
        lock.withLock {
            guard frames.updateValue(frame, forKey: key) == nil else { return }
            if ring.count < capacity {
                ring.append(key)
            } else {
                frames[ring[next]] = nil
                ring[next] = key
                next = (next + 1) % capacity
            }
        }
        return frame
    }

    var count: Int { lock.withLock { frames.count } }
}
