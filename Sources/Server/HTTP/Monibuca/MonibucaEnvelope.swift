import Foundation
import Hummingbird

/// The seed's unified response: `{"code":0,"message":"success","data":...}`. An error carries `code` equal to its
/// HTTP status and a human `message`, and is sent with that status.
public enum MonibucaEnvelope {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    struct Success<Payload: Encodable>: Encodable {
        let code = 0
        let message = "success"
        let data: Payload
    }

    struct Failure: Encodable {
        let code: Int
        let message: String
    }

    /// `{"code":0,"message":"success","data":payload}` with 200.
    public static func success<Payload: Encodable>(_ payload: Payload) throws -> Response {
        try json(Success(data: payload), status: .ok)
    }

    /// `{"code":status,"message":message}` with that status.
    public static func failure(
        _ status: HTTPResponse.Status, _ message: String,
        headers: HTTPFields = [:]
    ) -> Response {
        // Encoding two plain fields cannot fail; fall back to a fixed body rather than trap.
        var response =
            (try? json(Failure(code: status.code, message: message), status: status))
            ?? Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"code":\#(status.code),"message":"error"}"#)))
        response.headers.append(contentsOf: headers)
        return response
    }

    static func json<Body: Encodable>(_ body: Body, status: HTTPResponse.Status) throws -> Response {
        let data = try encoder.encode(body)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An optional that encodes as an explicit JSON `null` (synthesized `Encodable` would omit the key), so every
/// field the spec marks `required` is always present.
struct Nullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    let value: Wrapped?

    init(_ value: Wrapped?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
