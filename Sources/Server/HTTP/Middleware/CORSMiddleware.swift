import Hummingbird
import HTTPTypes

/// CORS for every response of every face, errors included (it sits outside the Monibuca error and auth layers).
/// A preflight (docs/contracts.md §CORS: an `OPTIONS` carrying `Access-Control-Request-Method`) is answered here, before
/// auth and before any handler; every other `OPTIONS` reaches its route. `http.cors: false` turns it all off.
public struct CORSMiddleware: RouterMiddleware {
    public typealias Context = ParleyRequestContext
    let policy: CORSPolicy

    public init(policy: CORSPolicy) { self.policy = policy }

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard policy.enabled else { return try await next(request, context) }
        let origin = request.headers[.origin]
        if Self.isPreflight(request) {
            // v5 answers a preflight with an empty 200; an unlisted origin gets no Allow-Origin, so the browser stops.
            var response = Response(status: .ok, headers: [.contentLength: "0"])
            policy.decorate(&response.headers, origin: origin, preflight: true)
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Render here (as the router would) so the error carries the CORS headers too.
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            response = Response(status: .internalServerError, headers: [.contentLength: "0"])
        }
        policy.decorate(&response.headers, origin: origin, preflight: false)
        return response
    }

    public static func isPreflight(_ request: Request) -> Bool {
        request.method == .options && request.headers[.accessControlRequestMethod] != nil
    }
}
