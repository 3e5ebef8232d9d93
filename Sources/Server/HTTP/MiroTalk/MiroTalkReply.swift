import ParleyJSON
import HTTPTypes
import Hummingbird
import NIOCore

/// A finished MiroTalk answer: status plus a JSON body that `res.json(...)` would have produced (same key order,
/// same bytes). Thrown by the steps of a handler to stop early (disabled, unauthorized, bad body, ...).
struct MiroTalkReply: Error, Sendable {
    var status: HTTPResponse.Status
    /// The JSON body, rendered once (a static reply's buffer is shared by every response that sends it).
    var json: ByteBuffer
    var extraHeaders: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ body: JSONValue, headers: HTTPFields = [:]) {
        self.init(status, json: body.jsonBuffer, headers: headers)
    }

    /// A body already rendered as `JSON.stringify` would (a hot route writes it with ``JSONBufferWriter``).
    init(_ status: HTTPResponse.Status, json: ByteBuffer, headers: HTTPFields = [:]) {
        self.status = status
        self.json = json
        self.extraHeaders = headers
    }

    static let disabledMessage =
        "This endpoint has been disabled. Please contact the administrator for further information."

    /// 403 `{"error":"Unauthorized!"}` — every endpoint, including /stats (no `success` there).
    static let unauthorized = MiroTalkReply(.forbidden, .object([("error", "Unauthorized!")]))

    /// 403 for a disabled /meetings, POST /meeting, /join, /token, /activeRooms.
    static let disabled = MiroTalkReply(.forbidden, .object([("error", .string(disabledMessage))]))

    /// 403 for a disabled /stats and DELETE /meeting/{room}: these two say `success:false` as well.
    static let disabledWithSuccess = MiroTalkReply(
        .forbidden, .object([("success", false), ("error", .string(disabledMessage))]))

    /// Express's last-resort handler: `{"status":500,"message":"Internal server error"}`.
    static let internalError = MiroTalkReply(
        .internalServerError, .object([("status", 500), ("message", "Internal server error")]))

    /// 400 for a token `expire` that is neither a whole number of seconds nor an `ms` duration ("1h", "7d").
    static let invalidExpire = statusMessage(
        .badRequest, inner: 400, #"Invalid "expire": use seconds or a duration such as "1h" or "7d""#)

    /// The shape of Express's error handlers: `{"status":N,"message":...}`.
    static func statusMessage(_ status: HTTPResponse.Status, inner: Int, _ message: String) -> MiroTalkReply {
        MiroTalkReply(status, .object([("status", .number(Double(inner))), ("message", .string(message))]))
    }

    /// Built (and validated) once; a response copies it by reference until it adds a field.
    static let jsonHeaders: HTTPFields = [
        .contentType: "application/json; charset=utf-8",
        // helmet.noSniff() is on every MiroTalk response.
        .xContentTypeOptions: "nosniff",
    ]

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: json))
    }

    /// The same response for the event loop (``ImmediateRoute``): Hummingbird's `Response` makes the head, so the
    /// Content-Length is placed as on the router's path.
    var immediateAnswer: ImmediateAnswer {
        ImmediateAnswer(
            head: Response(status: status, headers: headers, body: .init(byteBuffer: json)).head, body: json)
    }

    private var headers: HTTPFields {
        var headers = Self.jsonHeaders
        if !extraHeaders.isEmpty { headers.append(contentsOf: extraHeaders) }
        return headers
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
