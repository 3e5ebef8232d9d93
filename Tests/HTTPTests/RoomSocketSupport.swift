import Fixtures
import Foundation
import ParleyRooms
import Testing
@testable import ParleyHTTP

/// A room socket session without a network: registry events are pumped into it, and its outbound frames are read
/// from its queue as JSON.
final class SessionProbe: @unchecked Sendable {
    let session: RoomSocketSession
    let queue: OutboundQueue
    let user: UserID
    private let lock = NSLock()
    private var items: [OutboundQueue.Item] = []
    private var consumed = Set<Int>()
    private let pump: Task<Void, Never>
    private var reader: Task<Void, Never>?

    static let secret = "room-socket-test-auth-secret-0123456789abcdef"

    static func join(
        _ rooms: InMemoryRoomDirectory, channels: RoomChannels, room: String, user: String,
        options: RoomSocketOptions = RoomSocketOptions(), asPresenter: Bool = false, recorder: Recorder? = nil
    ) async throws
        -> SessionProbe
    {
        let roomID = try #require(RoomID(room))
        let userID = try #require(UserID(user))
        let events = rooms.events()
        let join = try await rooms.joinRoom(
            roomID, JoinRequest(userID: userID, asPresenter: asPresenter),
            createIfMissing: true)
        let queue = OutboundQueue(limitBytes: options.outboundLimitBytes)
        let session = RoomSocketSession(
            join: join, rooms: rooms, channel: channels.acquire(roomID), queue: queue,
            options: options, recorder: recorder)
        await session.start(
            join: join,
            sessionToken: RoomSessionTokens(secret: secret).issue(
                for: join.participant,
                in: roomID))
        return SessionProbe(session: session, queue: queue, user: userID, events: events)
    }

    init(session: RoomSocketSession, queue: OutboundQueue, user: UserID, events: AsyncStream<RoomEvent>) {
        self.session = session
        self.queue = queue
        self.user = user
        // Never cancelled (see RoomSocketConnection): it stops at the first event after the session is over.
        self.pump = Task {
            for await event in events {
                guard await !session.membershipOver else { return }
                await session.apply(event)
            }
        }
        self.reader = Task { [queue] in
            for await item in queue.stream { self.append(item) }
        }
    }

    deinit {
        queue.close(.normal, reason: "") // ends the reader task
    }

    private func append(_ item: OutboundQueue.Item) {
        lock.withLock { items.append(item) }
    }

    /// The oldest unconsumed item that matches (others stay for later calls).
    private func take(_ matches: (OutboundQueue.Item) -> Bool) -> OutboundQueue.Item? {
        lock.withLock {
            for (index, item) in items.enumerated() where !consumed.contains(index) && matches(item) {
                consumed.insert(index)
                return item
            }
            return nil
        }
    }

    /// The oldest unconsumed matching item; throws when none arrives in time (``waitUntil``'s generous bound), so
    /// the test stops where the frame was missing.
    func nextItem(_ what: String = "a frame", _ matches: @escaping (OutboundQueue.Item) -> Bool = { _ in true })
        async throws -> OutboundQueue.Item
    {
        var found: OutboundQueue.Item?
        try await waitUntil("\(user): \(what)") {
            found = take(matches)
            return found != nil
        }
        return found!
    }

    /// The close item, whatever text frames are still unread.
    func closeItem() async throws -> OutboundQueue.Item {
        try await nextItem("the close") { if case .close = $0 { true } else { false } }
    }

    /// The oldest unconsumed JSON event with this name (any event when nil) whose `data` matches, as a dictionary.
    func next(_ event: String? = nil, where data: @escaping ([String: Any]) -> Bool = { _ in true }) async throws
        -> [String: Any]?
    {
        let item = try await nextItem(event.map { "a \($0) event" } ?? "an event") {
            Self.event(in: $0, named: event, where: data) != nil
        }
        return Self.event(in: item, named: event, where: data)
    }

    /// How many unconsumed events with this name whose `data` matches have arrived so far (none is consumed). For
    /// "no more than N" checks: wait for a later barrier event first.
    func count(_ event: String, where data: @escaping ([String: Any]) -> Bool = { _ in true }) -> Int {
        lock.withLock {
            items.indices.filter {
                !consumed.contains($0) && Self.event(in: items[$0], named: event, where: data) != nil
            }
            .count
        }
    }

    private static func event(
        in item: OutboundQueue.Item, named event: String?,
        where data: ([String: Any]) -> Bool
    ) -> [String: Any]? {
        guard case .text(let text) = item,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            event == nil || object["event"] as? String == event, data(object.data)
        else { return nil }
        return object
    }

    func send(_ json: String) async { await session.receive(json) }
}

extension [String: Any] {
    var data: [String: Any] { self["data"] as? [String: Any] ?? [:] }
}
