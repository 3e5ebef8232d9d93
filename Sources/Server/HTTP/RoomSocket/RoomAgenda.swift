import Foundation

/// A room's agenda: items, the current one and its timer. Kept per room by ``RoomChannel`` while sockets are
/// connected; only moderators change it.
struct RoomAgenda: Sendable {
    struct Item: Encodable, Equatable, Sendable {
        var title: String
        /// Planned length in seconds; null when open-ended.
        var duration_s: Int?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(title, forKey: .title)
            try c.encode(duration_s, forKey: .duration_s)
        }

        enum CodingKeys: String, CodingKey { case title, duration_s }
    }

    /// The `agenda` event payload (also `joined.agenda`).
    struct State: Encodable, Sendable {
        var items: [Item]
        /// Index of the current item; -1 before the first `agenda.next` or without items.
        var current: Int
        var running: Bool
        /// Time spent on the current item up to `updated_at_ms`; while running, add now − `updated_at_ms`.
        var elapsed_ms: Int64
        var updated_at_ms: Int64
    }

    static let maxItems = 100
    static let maxTitleLength = 200

    private(set) var items: [Item] = []
    private(set) var current = -1
    private var running = false
    private var elapsedMs: Int64 = 0
    private var updatedAt: Date

    init(now: Date) {
        updatedAt = now
    }

    func state(now: Date) -> State {
        State(
            items: items, current: current, running: running, elapsed_ms: elapsedMs,
            updated_at_ms: RoomSocketWire.milliseconds(updatedAt))
    }

    /// Replaces the items; the agenda starts over (no current item, timer stopped).
    mutating func set(_ newItems: [Item], now: Date) {
        items = newItems
        current = -1
        running = false
        elapsedMs = 0
        updatedAt = now
    }

    /// Moves to the next item with a fresh timer, running if it was. False at the end.
    mutating func advance(now: Date) -> Bool {
        guard current + 1 < items.count else { return false }
        current += 1
        elapsedMs = 0
        updatedAt = now
        return true
    }

    /// Starts the current item's timer (advancing to the first item if none is current). False without items.
    mutating func start(now: Date) -> Bool {
        guard !items.isEmpty else { return false }
        if current < 0 { current = 0; elapsedMs = 0 }
        if !running {
            running = true
            updatedAt = now
        }
        return true
    }

    mutating func pause(now: Date) {
        guard running else { return }
        elapsedMs += max(0, RoomSocketWire.milliseconds(now) - RoomSocketWire.milliseconds(updatedAt))
        running = false
        updatedAt = now
    }
}
