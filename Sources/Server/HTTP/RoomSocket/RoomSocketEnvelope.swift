import Foundation

/// The `id` a client put on an action, echoed as `reply_to` (a string or an integer, kept as sent).
enum ReplyID: Sendable, Hashable, Encodable {
    case string(String)
    case integer(Int64)

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .integer(let i): try c.encode(i)
        }
    }
}

/// Server → client frames: `{"event": NAME, "data": {...}, "reply_to": ID}` (docs/contracts.md §Room WebSocket);
/// `reply_to` appears only on the answer to an action that carried an `id`.
enum RoomSocketEnvelope {
    private struct Frame<Payload: Encodable>: Encodable {
        var event: String
        var data: Payload
        var reply_to: ReplyID?
    }

    static func encode(_ event: String, _ data: some Encodable, replyTo: ReplyID? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Our payload types cannot fail to encode (no floats that could be NaN, no custom throwing).
        guard let bytes = try? encoder.encode(Frame(event: event, data: data, reply_to: replyTo)) else {
            return #"{"event":"error","data":{"code":"internal","reason":"encoding failed"}}"#
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func error(_ code: String, _ reason: String, replyTo: ReplyID? = nil) -> String {
        encode("error", RoomSocketWire.ErrorInfo(code: code, reason: reason), replyTo: replyTo)
    }
}

/// Untrusted JSON, decoded without Foundation's NSNumber ambiguity (a JSON `true` is never the number 1).
enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: JSONValue].self))
    }

    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    /// A whole number within ±2^53 (exact in a double), else nil.
    var integerValue: Int64? {
        guard case .number(let d) = self, d.isFinite, d.rounded() == d, abs(d) <= 9_007_199_254_740_992 else {
            return nil
        }
        return Int64(d)
    }
}
