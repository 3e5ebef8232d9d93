import Fixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import ParleyConfig
import ParleyRooms
import ParleyStore
@testable import ParleyHTTP

/// A room directory answer set by the test: every room owned by `owner` (nil: by this node).
final class FakeClusterRouting: ClusterRouting, @unchecked Sendable {
    let nodeID: String
    private let lock = NSLock()
    private var owner: ClusterPeer?
    private var others: [ClusterPeer] = []
    private var failing = false

    init(nodeID: String) { self.nodeID = nodeID }

    func setOwner(_ peer: ClusterPeer?) { lock.withLock { owner = peer } }
    func setPeers(_ peers: [ClusterPeer]) { lock.withLock { others = peers } }
    /// The directory itself is unreachable (its database is down).
    func setFailing(_ flag: Bool) { lock.withLock { failing = flag } }

    struct Unavailable: Error {}

    func route(_ room: RoomID, placing: Bool) async throws -> RoomRoute {
        try lock.withLock {
            if failing { throw Unavailable() }
            return owner.map { .remote($0) } ?? .local
        }
    }

    func claim(_ room: RoomID) async throws -> RoomRoute { try await route(room, placing: true) }

    func peers() async throws -> [ClusterPeer] { lock.withLock { others } }
}

/// One in-process node on a loopback port: the faces a cluster node serves, its own registry and directory answers.
struct ClusterTestNode: Sendable {
    static let secret = "cluster-test-secret-0123456789abcdef"
    static let apiKey = "cluster-api-key"
    /// Every node of a cluster shares its credentials' secrets.
    static let authSecret = "cluster-auth-secret-0123456789abcdef"

    let rooms: InMemoryRoomDirectory
    let routing: FakeClusterRouting
    let services: ParleyServices

    init(id: String, secret: String = ClusterTestNode.secret, viewTimeout: Duration = .seconds(2)) throws {
        rooms = InMemoryRoomDirectory()
        routing = FakeClusterRouting(nodeID: id)
        var config = ParleyConfig()
        config.api.allowed = .init(
            stats: true, meetings: true, meeting: true, meetingEnd: true, join: true, token: true, activeRooms: true)
        services = ParleyServices(
            config: config, rooms: rooms, database: try .inMemory(),
            secrets: ResolvedSecrets(apiKeySecret: Self.apiKey, jwtSecret: "jwt", authSecret: Self.authSecret),
            metrics: ParleyMetrics.registry,
            relay: ClusterRelay(
                routing: routing, secret: secret, viewTimeout: viewTimeout, connectTimeout: .seconds(3)),
            logger: Logger(label: "test.cluster.\(id)"))
    }

    func peer(port: Int) -> ClusterPeer {
        ClusterPeer(nodeID: routing.nodeID, advertiseURL: "http://127.0.0.1:\(port)")
    }

    func application() -> some ApplicationProtocol {
        let router = ParleyServer.makeRouter(
            services: services,
            faces: [MonibucaCoreFace(), ClusterFace(), MiroTalkFace(), MeetingFace(), RoomSocketFace()])
        return Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: services.logger)
    }
}

/// A real WebSocket client: collects every text message, sends on demand, and reports the close it got.
extension ClusterTestNode {
    /// An admin's Monibuca JWT (valid on both nodes: they share the secret) and a JSON content type.
    static func adminJSONHeaders() throws -> HTTPFields {
        let token = try MonibucaJWT(secret: authSecret, lifetime: 3600).issue(username: "admin").token
        return [.authorization: "Bearer " + token, .contentType: "application/json"]
    }
}

final class SocketProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []
    private var consumed = 0
    private var writer: WebSocketOutboundWriter?
    private var task: Task<WebSocketCloseFrame?, any Error>?

    static func connect(_ url: String, headers: HTTPFields = [:]) -> SocketProbe {
        let probe = SocketProbe()
        let task = Task {
            try await WebSocketClient(
                url: url, configuration: .init(additionalHeaders: headers), logger: Logger(label: "test.probe")
            ) { inbound, outbound, _ in
                probe.lock.withLock { probe.writer = outbound }
                var iterator = inbound.makeAsyncIterator()
                while let message = try await iterator.nextMessage(maxSize: 1 << 20) {
                    if case .text(let text) = message { probe.lock.withLock { probe.texts.append(text) } }
                }
            }.run()
        }
        probe.lock.withLock { probe.task = task }
        return probe
    }

    /// The next event (after those already taken) with this name, skipping none: events arrive in order.
    func next(_ name: String, skippingOthers: Bool = true) async throws -> [String: Any] {
        var found: [String: Any]?
        try await waitUntil("event \(name)") {
            lock.withLock {
                while consumed < texts.count {
                    let text = texts[consumed]
                    consumed += 1
                    let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                    if object?["event"] as? String == name {
                        found = object
                        return true
                    }
                    if !skippingOthers { return true }
                }
                return false
            }
        }
        guard let found else { throw NotNextEvent(expected: name) }
        return found
    }

    /// The `data` of the first `count` events with this name, in arrival order (waits for them).
    func all(_ name: String, count: Int) async throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        try await waitUntil("\(count) \(name) events") {
            found = lock.withLock {
                texts.compactMap { text -> [String: Any]? in
                    let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                    guard object?["event"] as? String == name else { return nil }
                    return object?["data"] as? [String: Any] ?? [:]
                }
            }
            return found.count >= count
        }
        return Array(found.prefix(count))
    }

    /// Event names received so far, in order.
    var eventNames: [String] {
        lock.withLock {
            texts.compactMap {
                ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["event"] as? String
            }
        }
    }

    struct NotNextEvent: Error { let expected: String }

    func send(_ text: String) async throws {
        var current: WebSocketOutboundWriter?
        try await waitUntil("socket open") {
            current = lock.withLock { writer }
            return current != nil
        }
        try await current?.write(.text(text))
    }

    /// The close frame the server sent; throws if the connection failed (e.g. the upgrade was refused) or did not
    /// end within `limit` (then it is given up, so a lost close fails the test instead of hanging it).
    func closed(within limit: Duration = .seconds(10)) async throws -> WebSocketCloseFrame? {
        guard let task = lock.withLock({ task }) else { return nil }
        let timer = Task {
            try await Task.sleep(for: limit)
            task.cancel()
        }
        defer { timer.cancel() }
        return try await task.value
    }

    func close() async throws {
        try await lock.withLock { writer }?.close(.normalClosure, reason: nil)
    }

    /// The server's `error` code and close frame, or nil when neither came within `limit`: swift-websocket 1.6.2's
    /// client can drop frames that arrive in the same read as the 101 response, so a server that answers at once
    /// (a refusal) is sometimes never heard. The connection is then given up.
    func refusal(within limit: Duration = .seconds(5)) async -> (code: String?, close: WebSocketCloseFrame?)? {
        guard let task = lock.withLock({ task }) else { return nil }
        enum Outcome: Sendable { case closed(WebSocketCloseFrame?), failed, timedOut }
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { (try? await task.value).map(Outcome.closed) ?? .failed }
            group.addTask {
                try? await Task.sleep(for: limit)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
        guard case .closed(let frame) = outcome, lock.withLock({ !texts.isEmpty }) else {
            task.cancel()
            return nil
        }
        let codes = lock.withLock {
            texts.compactMap { text -> String? in
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                guard object?["event"] as? String == "error" else { return nil }
                return (object?["data"] as? [String: Any])?["code"] as? String
            }
        }
        return (codes.first, frame)
    }
}

/// Connects until the server's refusal is heard (at most `attempts` times; see ``SocketProbe/refusal(within:)``),
/// and, as a participant does, again after `room_unavailable` when `reconnecting` (the relay's answer when the
/// owner's first frames were lost on the way: RoomSocketRelay).
func refusal(at url: String, attempts: Int = 4, reconnecting: Bool = false) async
    -> (code: String?, close: WebSocketCloseFrame?)?
{
    var last: (code: String?, close: WebSocketCloseFrame?)?
    for _ in 0..<attempts {
        last = await SocketProbe.connect(url).refusal()
        if let heard = last, !(reconnecting && heard.code == "room_unavailable") { return heard }
    }
    return last
}
