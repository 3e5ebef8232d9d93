import Foundation

/// The room sockets of one case: it opens them, validates every frame they receive against
/// `spec/room-ws.asyncapi.yaml`, and at the end closes them and puts each transcript in the case's wire log.
public final class RoomSocketScope: @unchecked Sendable {
    public let context: CaseContext
    let schema: RoomSocketSchema
    private let lock = NSLock()
    private var peers: [RoomPeer] = []
    private var violations: [String] = []

    init(context: CaseContext, schema: RoomSocketSchema) {
        self.context = context
        self.schema = schema
    }

    /// A room id no earlier run used, so cases never meet each other's rooms.
    public static func freshRoomID(_ what: String = "room") -> String {
        "conform-\(what)-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    }

    func validate(_ text: String, peer: String) {
        guard let problems = schema.violations(ofServerText: text) else { return }
        lock.withLock { violations += problems.map { "\(peer): \($0)" } }
    }

    /// The query of a join URL, values percent-encoded (RFC 3986 §3.4).
    static func joinPath(
        room: String, user: String, name: String?, password: String?, token: String?,
        type: String? = "meeting", alias: Bool = false
    ) -> String {
        var query: [(String, String)] = []
        if let type { query.append(("type", type)) }
        if !alias { query.append(("user_id", user)) }
        if let name { query.append(("name", name)) }
        if let password { query.append(("password", password)) }
        if let token { query.append(("token", token)) }
        let encoded = query.map { "\($0.0)=\(MiroTalkSuite.encodeURIComponent($0.1))" }.joined(separator: "&")
        let base = alias ? "/room/\(room)/\(user)" : "/room/\(room)"
        return encoded.isEmpty ? base : "\(base)?\(encoded)"
    }

    /// Opens a socket; the caller judges what it receives (refusals included).
    public func open(
        room: String, user: String, name: String? = nil, password: String? = nil, token: String? = nil,
        type: String? = "meeting", alias: Bool = false
    ) async throws(CaseStop) -> RoomPeer {
        let path = Self.joinPath(
            room: room, user: user, name: name, password: password, token: token, type: type, alias: alias)
        let result = await RoomSocketClient.open(
            target: context.target, path: path, insecure: context.options.insecure,
            timeoutScale: context.options.timeoutScale)
        switch result {
        case .success(let client):
            let peer = RoomPeer(userID: user, client: client, scope: self)
            lock.withLock { peers.append(peer) }
            return peer
        case .failure(.transport(let why)):
            throw .broken("room socket \(path): \(why)")
        case .failure(let refusal):
            throw .violated(
                expected: "101 Switching Protocols (the upgrade always succeeds; the join is judged after it)",
                observed: refusal.description)
        }
    }

    /// Opens a socket and demands `joined`.
    public func join(
        room: String, user: String, name: String? = nil, password: String? = nil, token: String? = nil,
        alias: Bool = false
    ) async throws(CaseStop) -> RoomPeer {
        let peer = try await open(room: room, user: user, name: name, password: password, token: token, alias: alias)
        guard let first = await peer.nextEvent(timeout: 5) else {
            let close = await peer.closeCode(timeout: 0.5)
            throw .violated(
                expected: "\(user) is admitted to \(room) (`joined`)",
                observed: close.received ? "closed \(close.code.map(String.init) ?? "-")" : "no event within 5 s")
        }
        guard first["event"]?.stringValue == "joined" else {
            throw .violated(expected: "`joined` first for \(user)", observed: first.compactText)
        }
        peer.joined = first
        return peer
    }

    /// A fresh ad-hoc room joined by alice (first, so presenter) and then bob, the pair most cases start from.
    public func pair() async throws(CaseStop) -> (room: String, alice: RoomPeer, bob: RoomPeer) {
        let room = Self.freshRoomID()
        let alice = try await join(room: room, user: "alice")
        return (room, alice, try await join(room: room, user: "bob"))
    }

    /// Opens a socket that must be refused: one `error` event with `code`, then close `closeCode`.
    public func expectRefusal(
        room: String, user: String, name: String? = nil, password: String? = nil, token: String? = nil,
        type: String? = "meeting", code: String, closeCode: Int
    ) async throws(CaseStop) -> String {
        let peer = try await open(room: room, user: user, name: name, password: password, token: token, type: type)
        let first = await peer.nextEvent(timeout: 5)
        let close = await peer.closeCode(timeout: 5)
        let observed =
            "\(first?.compactText ?? "no event"), then \(close.received ? "close \(close.code.map(String.init) ?? "-")" : "no close")"
        guard first?["event"]?.stringValue == "error", first?["data"]?["code"]?.stringValue == code,
            close.code == closeCode, close.before.isEmpty
        else {
            throw .violated(expected: "error `\(code)` then close \(closeCode)", observed: observed)
        }
        return observed
    }

    /// Closes every socket, records the transcripts and turns any schema violation into a violated outcome.
    func finish(_ outcome: CaseOutcome) async -> CaseOutcome {
        let all = lock.withLock { peers }
        for peer in all { await peer.client.close() }
        for peer in all {
            let request = WireExchange.Request(
                method: "GET",
                url: context.target.absoluteURL(peer.client.path).replacingOccurrences(
                    of: "http", with: "ws", options: .anchored),
                headers: [HeaderField("Upgrade", "websocket")], body: nil)
            let response = WireExchange.Response(
                status: 101, reason: "Switching Protocols", headers: [],
                body: peer.client.transcript.joined(separator: "\n"))
            context.record(
                WireExchange(request: request, response: response, error: nil, startedAt: Date(), durationMs: 0))
        }
        let found = lock.withLock { violations }
        if case .pass = outcome, !found.isEmpty {
            return .violated(
                expected: "every frame matches spec/room-ws.asyncapi.yaml",
                observed: found.prefix(5).joined(separator: "; "))
        }
        return outcome
    }
}
