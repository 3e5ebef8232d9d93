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

func request(_ user: String, password: String? = nil, asPresenter: Bool = false,
             bypass: Bool = false) -> JoinRequest {
    JoinRequest(userID: uid(user), name: "Name \(user)", os: "Linux 6", browser: "Firefox 140",
                media: MediaFlags(audio: true), password: password, asPresenter: asPresenter,
                bypassRestrictions: bypass)
}

/// A fixed clock, so timestamps are checkable.
let fixedDate = Date(timeIntervalSince1970: 1_790_000_000)

func makeDirectory(policy: RoomPolicy = RoomPolicy(), eventBufferLimit: Int = 65_536) -> InMemoryRoomDirectory {
    InMemoryRoomDirectory(policy: policy, eventBufferLimit: eventBufferLimit, now: { fixedDate })
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

    /// Waits (up to `timeout`) until at least `count` events arrived; returns all received so far.
    func events(atLeast count: Int, timeout: Duration = .seconds(10)) async -> [RoomEvent] {
        await waitUntil(timeout: timeout) { self.events.count >= count }
        return events
    }

    /// Waits until `marker` arrived and returns everything received before it.
    func events(before marker: RoomEvent, timeout: Duration = .seconds(10)) async -> [RoomEvent]? {
        await waitUntil(timeout: timeout) { self.events.contains(marker) }
        let all = events
        guard let index = all.firstIndex(of: marker) else { return nil }
        return Array(all[..<index])
    }

    func cancel() { task?.cancel() }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitUntil(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async {
    let deadline = ContinuousClock.now + timeout
    while !condition(), ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(1))
    }
}
