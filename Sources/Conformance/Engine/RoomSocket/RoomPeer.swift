import Foundation

/// One participant the runner plays on the room socket: the events it received (each validated against the AsyncAPI
/// document by its scope) and helpers that wait for what a rule says must arrive.
public final class RoomPeer: @unchecked Sendable {
    public let userID: String
    let client: RoomSocketClient
    let scope: RoomSocketScope
    private let lock = NSLock()
    private var pending: [SocketMessage] = []
    /// The `joined` event, when the join was admitted.
    public internal(set) var joined: JSONValue?

    init(userID: String, client: RoomSocketClient, scope: RoomSocketScope) {
        self.userID = userID
        self.client = client
        self.scope = scope
    }

    public var role: String? { joined?["data"]?["role"]?.stringValue }
    public var sessionToken: String? { joined?["data"]?["session_token"]?.stringValue }

    /// The next message (earlier ones skipped by `event(_:)` first), validated on the way in.
    func nextMessage(timeout: Double) async -> SocketMessage? {
        if let first = lock.withLock({ pending.isEmpty ? nil : pending.removeFirst() }) { return first }
        guard let message = await client.next(timeout: timeout) else { return nil }
        if case .text(let text) = message { scope.validate(text, peer: userID) }
        return message
    }

    /// The next JSON event whatever its name, or nil on timeout or close (a close stays readable by `closeCode`).
    public func nextEvent(timeout: Double = 5) async -> JSONValue? {
        while let message = await nextMessage(timeout: timeout) {
            switch message {
            case .text(let text):
                if let value = try? JSONValue.parse(text), value["event"] != nil { return value }
            case .closed:
                lock.withLock { pending.insert(message, at: 0) }
                return nil
            case .binary: continue
            }
        }
        return nil
    }

    /// Waits for the next event named `name`; events of other names met on the way are kept for later reads.
    public func event(_ name: String, timeout: Double = 5, where accept: (JSONValue) -> Bool = { _ in true })
        async throws(CaseStop) -> JSONValue
    {
        var skipped: [SocketMessage] = []
        defer { lock.withLock { pending.insert(contentsOf: skipped, at: 0) } }
        while let message = await nextMessage(timeout: timeout) {
            if case .text(let text) = message, let value = try? JSONValue.parse(text),
                value["event"]?.stringValue == name, accept(value)
            {
                return value
            }
            skipped.append(message)
            if case .closed = message { break }
        }
        let seen = skipped.map(Self.describe).joined(separator: " | ")
        throw .violated(
            expected: "\(userID) receives `\(name)`",
            observed: seen.isEmpty ? "nothing within \(timeout) s" : "only: \(seen.prefix(600))")
    }

    /// Sends an action with `id` and waits for the `ack` or `error` carrying that `reply_to`.
    public func request(_ action: String, id: String, _ fields: [(String, JSONValue)] = []) async throws(CaseStop)
        -> JSONValue
    {
        await send(.object([("action", .string(action)), ("id", .string(id))] + fields))
        return try await event("ack|error", reply: id)
    }

    /// An `ack` or `error` whose `reply_to` is `id`.
    func event(_ names: String, reply id: String, timeout: Double = 5) async throws(CaseStop) -> JSONValue {
        var skipped: [SocketMessage] = []
        defer { lock.withLock { pending.insert(contentsOf: skipped, at: 0) } }
        while let message = await nextMessage(timeout: timeout) {
            if case .text(let text) = message, let value = try? JSONValue.parse(text),
                ["ack", "error"].contains(value["event"]?.stringValue ?? ""), value["reply_to"] == .string(id)
            {
                return value
            }
            skipped.append(message)
            if case .closed = message { break }
        }
        throw .violated(
            expected: "an ack or error with reply_to \"\(id)\"",
            observed: "only: \(skipped.map(Self.describe).joined(separator: " | ").prefix(600))")
    }

    /// Waits for the close and returns its code (nil: the connection ended without a close frame).
    public func closeCode(timeout: Double = 5) async -> (code: Int?, received: Bool, before: [String]) {
        var before: [String] = []
        while let message = await nextMessage(timeout: timeout) {
            if case .closed(let code, _, _) = message { return (code, true, before) }
            before.append(Self.describe(message))
        }
        return (nil, false, before)
    }

    /// Everything that arrives within `seconds`, as events (for "nothing else must come" checks).
    public func drain(for seconds: Double) async -> [JSONValue] {
        var out: [JSONValue] = []
        let clock = ContinuousClock()
        let end = clock.now + .milliseconds(Int64(seconds * 1000))
        while clock.now < end {
            guard let message = await nextMessage(timeout: 0.05) else { continue }
            if case .text(let text) = message, let value = try? JSONValue.parse(text) { out.append(value) }
            if case .closed = message {
                lock.withLock { pending.insert(message, at: 0) }
                break
            }
        }
        return out
    }

    public func send(_ value: JSONValue) async { await client.send(json: value) }
    public func send(text: String) async { await client.send(text: text) }

    /// Chat to the room.
    public func chat(_ text: String, id: String? = nil, to: String? = nil) async {
        var fields: [(String, JSONValue)] = [("action", .string("chat"))]
        if let id { fields.append(("id", .string(id))) }
        fields.append(("text", .string(text)))
        if let to { fields.append(("to", .string(to))) }
        await send(.object(fields))
    }

    public func close() async { await client.close() }
    public func drop() async { await client.drop() }

    static func describe(_ message: SocketMessage) -> String {
        switch message {
        case .text(let text): String(text.prefix(200))
        case .binary(let n): "binary \(n) bytes"
        case .closed(let code, let reason, let dropped):
            dropped ? "connection dropped" : "close \(code.map(String.init) ?? "-") \(reason)"
        }
    }
}
