import HTTPTypes
import Hummingbird
import NIOHTTP1

/// A request NIO's parser gave up on part-way (a malformed chunk size, RFC 9112 §7.1; a bad header after the
/// head was taken) surfaces as `HTTPParserError` from the body iterator while a handler collects the body. It is the
/// client's fault: 400, never the 500 of an unexpected throw. Conforming here lets every face's error layer render
/// it in its own format (the Monibuca envelope keeps the status; CORS and the router render it plain).
/// The framing is lost, so the connection cannot carry another request: `Connection: close` (RFC 9112 §9.6).
extension HTTPParserError: @retroactive HTTPResponseError {
    public var status: HTTPResponse.Status { .badRequest }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .badRequest, headers: Self.closingHeaders)
    }

    /// Headers of every answer to an unparsable request.
    /// (No Content-Length: the envelope layer adds a body to this response and keeps its headers.)
    static let closingHeaders: HTTPFields = [.connection: "close"]
}
