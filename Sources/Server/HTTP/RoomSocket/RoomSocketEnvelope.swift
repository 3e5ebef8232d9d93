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
