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
    private var iterator: AsyncStream<OutboundQueue.Item>.Iterator
    private let pump: Task<Void, Never>

    static let secret = "room-socket-test-auth-secret-0123456789abcdef"

    static func join(_ rooms: InMemoryRoomDirectory, channels: RoomChannels, room: String, user: String,
                     options: RoomSocketOptions = RoomSocketOptions(), asPresenter: Bool = false) async throws
        -> SessionProbe {
        let roomID = try #require(RoomID(room))
        let userID = try #require(UserID(user))
        let events = rooms.events()
        let join = try await rooms.joinRoom(roomID, JoinRequest(userID: userID, asPresenter: asPresenter),
                                            createIfMissing: true)
        let queue = OutboundQueue(limitBytes: options.outboundLimitBytes)
        let session = RoomSocketSession(join: join, rooms: rooms, channel: channels.acquire(roomID), queue: queue,
                                        options: options)
        await session.start(join: join, sessionToken: RoomSessionTokens(secret: secret).issue(for: join.participant,
                                                                                               in: roomID))
        return SessionProbe(session: session, queue: queue, user: userID, events: events)
    }

    init(session: RoomSocketSession, queue: OutboundQueue, user: UserID, events: AsyncStream<RoomEvent>) {
        self.session = session
        self.queue = queue
        self.user = user
        self.iterator = queue.stream.makeAsyncIterator()
        self.pump = Task { for await event in events { await session.apply(event) } }
    }

    deinit { pump.cancel() }

    /// The next outbound item, or nil when none arrives within a second.
    func nextItem() async -> OutboundQueue.Item? {
        var iterator = self.iterator
        let item = await withTaskGroup(of: (OutboundQueue.Item?, AsyncStream<OutboundQueue.Item>.Iterator?).self) {
            group in
            group.addTask {
                var copy = iterator
                let value = await copy.next()
                return (value, copy)
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return (nil, nil)
            }
            let first = await group.next() ?? (nil, nil)
            group.cancelAll()
            return first
        }
        if let advanced = item.1 { self.iterator = advanced }
        return item.0
    }

    /// The next JSON event (skipping text `pong`), as a dictionary.
    func next(_ event: String? = nil) async -> [String: Any]? {
        while let item = await nextItem() {
            guard case .text(let text) = item else { return ["close": item] }
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                continue
            }
            if event == nil || object["event"] as? String == event { return object }
        }
        return nil
    }

    func send(_ json: String) async { await session.receive(json) }
}

extension [String: Any] {
    var data: [String: Any] { self["data"] as? [String: Any] ?? [:] }
}
