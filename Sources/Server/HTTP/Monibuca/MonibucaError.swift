import Foundation
import Hummingbird

/// An error answered with the Monibuca envelope. Thrown by the Monibuca routes and middleware.
public struct MonibucaError: HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        MonibucaEnvelope.failure(status, message, headers: headers)
    }

    public var description: String { "MonibucaError(\(status.code): \(message))" }

    public static func badRequest(_ message: String) -> Self { .init(.badRequest, message) }
    public static func unauthorized(_ message: String) -> Self { .init(.unauthorized, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func notImplemented(_ message: String) -> Self { .init(.notImplemented, message) }
}
