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

    /// Built (and validated) once; a response copies it by reference until it adds a field.
    static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    /// `{"code":0,"message":"success","data":payload}` with 200.
    public static func success<Payload: Encodable>(_ payload: Payload) throws -> Response {
        try renderSuccess(payload).response
    }

    /// ``success(_:)`` for a payload that writes itself: the same bytes, no encoder.
    static func success<Payload: JSONBufferWritable>(_ payload: Payload) -> Response {
        renderSuccess(payload).response
    }

    /// `{"code":status,"message":message}` with that status.
    public static func failure(
        _ status: HTTPResponse.Status, _ message: String,
        headers: HTTPFields = [:]
    ) -> Response {
        renderFailure(status, message, headers: headers).response
    }

    static func json<Body: Encodable>(_ body: Body, status: HTTPResponse.Status) throws -> Response {
        try render(body, status: status).response
    }

    /// An envelope answer before it becomes a `Response` (the router's) or an ``ImmediateAnswer`` (the event
    /// loop's): both are made from it, so the two cannot differ.
    struct Rendered {
        var status: HTTPResponse.Status
        var body: ByteBuffer
        /// Appended after the Content-Length `Response` adds.
        var trailingHeaders: HTTPFields = [:]

        var response: Response {
            var response = Response(
                status: status, headers: MonibucaEnvelope.jsonHeaders, body: .init(byteBuffer: body))
            if !trailingHeaders.isEmpty { response.headers.append(contentsOf: trailingHeaders) }
            return response
        }

        var immediateAnswer: ImmediateAnswer { ImmediateAnswer(head: response.head, body: body) }
    }

    static func renderSuccess<Payload: Encodable>(_ payload: Payload) throws -> Rendered {
        try render(Success(data: payload), status: .ok)
    }

    /// ``renderSuccess(_:)`` for a payload that writes itself.
    static func renderSuccess<Payload: JSONBufferWritable>(_ payload: Payload) -> Rendered {
        Rendered(status: .ok, body: successJSON(payload))
    }

    static func renderFailure(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Rendered {
        Rendered(status: status, body: failureJSON(code: status.code, message), trailingHeaders: headers)
    }

    static func render<Body: Encodable>(_ body: Body, status: HTTPResponse.Status) throws -> Rendered {
        Rendered(status: status, body: ByteBuffer(bytes: try encoder.encode(body)))
    }

    /// `{"code":0,"data":payload,"message":"success"}`: the members in `.sortedKeys` order.
    static func successJSON<Payload: JSONBufferWritable>(_ payload: Payload) -> ByteBuffer {
        let bound = 40 + payload.jsonBound
        var json = JSONBufferWriter(capacity: bound)
        json.write(atMost: bound) { out in
            out.raw(#"{"code":0,"data":"#)
            payload.writeJSON(to: &out)
            out.raw(#","message":"success"}"#)
        }
        return json.buffer
    }

    /// `{"code":code,"message":message}`, as the encoder writes ``Failure`` (two plain fields: nothing can fail).
    static func failureJSON(code: Int, _ message: String) -> ByteBuffer {
        let bound = 30 + JSONOutput.integerBound + JSONOutput.bound(message)
        var json = JSONBufferWriter(capacity: bound)
        json.write(atMost: bound) { out in
            out.raw(#"{"code":"#)
            out.integer(code)
            out.raw(#","message":"#)
            out.string(message)
            out.byte(UInt8(ascii: "}"))
        }
        return json.buffer
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
