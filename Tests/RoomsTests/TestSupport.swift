import Fixtures
import Foundation
@testable import ParleyRooms

/// Literal identifiers for tests; a typo in a test literal is a bug in the test, so it stops loudly.
func rid(_ raw: String) -> RoomID {
    guard let id = RoomID(raw) else { preconditionFailure("bad test room id \(raw)") }
    return id
}

func uid(_ raw: String) -> UserID {
    guard let id = UserID(raw) else { preconditionFailure("bad test user id \(raw)") }
    return id
}

func path(_ raw: String) -> StreamPath {
    guard let value = StreamPath(raw) else { preconditionFailure("bad test stream path \(raw)") }
    return value
}

func request(
    _ user: String, password: String? = nil, asPresenter: Bool = false,
    bypass: Bool = false
) -> JoinRequest {
    JoinRequest(
        userID: uid(user), name: "Name \(user)", os: "Linux 6", browser: "Firefox 140",
        media: MediaFlags(audio: true), password: password, asPresenter: asPresenter,
        bypassRestrictions: bypass)
}

/// A fixed clock, so timestamps are checkable.
let fixedDate = Date(timeIntervalSince1970: 1_790_000_000)

func makeDirectory(policy: RoomPolicy = RoomPolicy(), eventBufferLimit: Int = 65_536) -> InMemoryRoomDirectory {
    InMemoryRoomDirectory(policy: policy, eventBufferLimit: eventBufferLimit, clock: ManualClock(now: fixedDate))
}

/// Consumes one event subscription in the background and keeps what arrived.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [RoomEvent] = []
    private var ended = false
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<RoomEvent>) {
        task = Task { [self] in
            for await event in stream { append(event) }
            lock.withLock { ended = true }
        }
    }

    private func append(_ event: RoomEvent) {
        lock.withLock { received.append(event) }
    }

    var events: [RoomEvent] { lock.withLock { received } }
    var isFinished: Bool { lock.withLock { ended } }

    /// Waits until at least `count` events arrived (throws when they do not); returns all received so far.
    func events(atLeast count: Int, timeout: Duration = .seconds(10)) async throws -> [RoomEvent] {
        try await waitUntil("\(count) events (have \(events.count))", timeout: timeout) { self.events.count >= count }
        return events
    }

    /// Waits until `marker` arrived (throws when it does not) and returns everything received before it: the
    /// positive event that makes "nothing else arrived" a real check rather than a check made too early.
    func events(before marker: RoomEvent, timeout: Duration = .seconds(10)) async throws -> [RoomEvent] {
        try await waitUntil("the marker event \(marker)", timeout: timeout) { self.events.contains(marker) }
        let all = events
        return Array(all[..<(all.firstIndex(of: marker) ?? all.endIndex)])
    }

    func cancel() { task?.cancel() }
}
