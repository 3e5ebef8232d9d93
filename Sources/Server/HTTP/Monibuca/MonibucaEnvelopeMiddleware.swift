import Hummingbird

/// Turns every error under a Monibuca prefix into the envelope: the router's 404 for an unknown route, a body
/// that failed to decode, a body over the size limit, an unexpected throw (500). Errors that already render
/// themselves (``MonibucaError``, or another face's own response type) keep their body.
public struct MonibucaEnvelopeMiddleware: RouterMiddleware {
    public typealias Context = ParleyRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard MonibucaPaths.usesEnvelope(request.uri.path) else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as MonibucaError {
            return error.response(request: request, context: context)
        } catch let error as HTTPError {
            return MonibucaEnvelope.failure(
                error.status, Self.message(for: error, path: request.uri.path),
                headers: error.headers)
        } catch let error as any HTTPResponseError {
            // Another type's rendering (a face's own error, NIO's too-many-bytes): kept when it has a body,
            // else given the envelope with its status.
            let response = try error.response(from: request, context: context)
            guard response.body.contentLength == 0 else { return response }
            return MonibucaEnvelope.failure(
                error.status,
                Self.message(
                    for: HTTPError(error.status),
                    path: request.uri.path),
                headers: response.headers)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return MonibucaEnvelope.failure(.internalServerError, "internal server error")
        }
    }

    static func message(for error: HTTPError, path: String) -> String {
        if let body = error.body, !body.isEmpty { return body }
        switch error.status {
        case .notFound: return "no route for \(path)"
        case .methodNotAllowed: return "method not allowed on \(path)"
        case .contentTooLarge: return "request body too large"
        default: return error.status.reasonPhrase.lowercased()
        }
    }
}

extension MonibucaError {
    /// Rendering the envelope never throws.
    func response(request: Request, context: some RequestContext) -> Response {
        MonibucaEnvelope.failure(status, message, headers: headers)
    }
}
