import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Metrics

/// Request metrics under the names and labels of Hummingbird's `MetricsMiddleware`, so `/metrics` reads the same:
/// `hb_requests` and `hb_request_errors` per route, method and status, `http_server_request_duration_seconds`, and
/// `http_server_active_requests` per method. The difference is the cost per request: one table lookup for the
/// handles of a route/method/status (made once), the active-request meters of the standard methods exist from the
/// start (no lookup), and the response body is left as the handler made it.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RequestMetricsTable

    public init() { self.table = RequestMetricsTable() }

    /// Records into `table`, which the event-loop answers (``ImmediateResponder``) share.
    init(table: RequestMetricsTable) { self.table = table }

    public func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let active = table.activeRequests(request.method)
        active.increment()
        do {
            let response = try await next(request, context)
            // Recorded when the response is ready, not through a post-write closure on the body as Hummingbird
            // does: that turns every single-buffer body into a streamed one (head, body and end written apart)
            // and allocates per request. The duration is the handler's time; a streamed download's transfer
            // time is not in it.
            table.recordResponse(
                .init(
                    endpoint: context.endpointPath ?? "Unknown", method: request.method,
                    status: response.status.code), startedAt: started)
            active.decrement()
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            let metrics = table.endpoint(
                .init(
                    endpoint: context.endpointPath ?? "NotFound", method: request.method,
                    status: status))
            metrics.requests.increment()
            metrics.errors.increment()
            active.decrement()
            throw error
        }
    }
}

/// The metric handles, made once per route/method/status and shared by every thread.
final class RequestMetricsTable: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        let endpoint: String
        let method: HTTPRequest.Method
        let status: Int
    }

    struct EndpointMetrics: Sendable {
        let requests: Counter
        let duration: Metrics.Timer
        let errors: Counter

        init(_ key: Key) {
            let route = ("http.route", key.endpoint)
            let method = ("http.request.method", key.method.rawValue)
            let status = String(key.status)
            requests = Counter(
                label: "hb.requests", dimensions: [route, method, ("http.response.status_code", status)])
            duration = Metrics.Timer(
                label: "http.server.request.duration",
                dimensions: [route, method, ("http.response.status_code", status)],
                preferredDisplayUnit: .seconds)
            errors = Counter(label: "hb.request.errors", dimensions: [route, method, ("error.type", status)])
        }
    }

    // Guards `endpoints` and `otherMeters` (the only mutable state).
    private let lock = NSLock()
    private var endpoints: [Key: EndpointMetrics] = [:]
    private let standardMeters: [HTTPRequest.Method: Meter]
    private var otherMeters: [HTTPRequest.Method: Meter] = [:]

    init() {
        // Handles made before the one bootstrap would stay on the no-op backend for good.
        _ = ParleyMetrics.registry
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]
        standardMeters = Dictionary(uniqueKeysWithValues: methods.map { ($0, Self.meter($0)) })
    }

    static func meter(_ method: HTTPRequest.Method) -> Meter {
        Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
    }

    func activeRequests(_ method: HTTPRequest.Method) -> Meter {
        if let meter = standardMeters[method] { return meter }
        // Any other token is a valid method too (RFC 9110 §9.1); those are rare enough for the lock.
        return lock.withLock {
            if let meter = otherMeters[method] { return meter }
            let meter = Self.meter(method)
            otherMeters[method] = meter
            return meter
        }
    }

    /// A response made: its count and its duration since `startedAt` (`DispatchTime` uptime nanoseconds).
    func recordResponse(_ key: Key, startedAt: UInt64) {
        let metrics = endpoint(key)
        metrics.requests.increment()
        metrics.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - startedAt))
    }

    func endpoint(_ key: Key) -> EndpointMetrics {
        lock.withLock {
            if let metrics = endpoints[key] { return metrics }
            let metrics = EndpointMetrics(key)
            endpoints[key] = metrics
            return metrics
        }
    }
}
