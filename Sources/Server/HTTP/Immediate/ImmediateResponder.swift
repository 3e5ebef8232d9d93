import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Answers, on the event loop, the requests an ``ImmediateRoute`` can answer, adding what the ordinary path adds
/// around a route's response, in the same order and through the same code: CORS (``CORSPolicy/decorate(_:origin:preflight:)``
/// as ``CORSMiddleware``), the request metrics (``RequestMetricsTable``, the instance ``RequestMetricsMiddleware``
/// records into), the request id and the log line (as ``RequestIdentityMiddleware``), then Hummingbird's `Date` and
/// `Server` (as `Application.run`).
///
/// The rest of the middleware chain does nothing on these routes: the Monibuca envelope and JWT act only under
/// Monibuca's paths (a route there is taken only when it applies them itself, ``ImmediateRoute/appliesMonibucaLayers``),
/// and the cluster's forwarding only in cluster mode, where no responder is made (``make(services:faces:)``).
final class ImmediateResponder: Sendable {
    let routes: [String: any ImmediateRoute]
    let cors: CORSPolicy
    let metrics: RequestMetricsTable
    let logger: Logger
    let serverName: String?
    /// Seconds since 1970 for the `Date` header (Hummingbird's is wall-clock time too).
    let wallSeconds: @Sendable () -> Int

    init(
        routes: [any ImmediateRoute], cors: CORSPolicy, metrics: RequestMetricsTable, logger: Logger,
        serverName: String?, wallSeconds: @escaping @Sendable () -> Int = { Int(time(nil)) }
    ) {
        // A Monibuca path's answer also needs the envelope and JWT layers, which only the route can apply.
        let taken = routes.filter { $0.appliesMonibucaLayers || !MonibucaPaths.usesEnvelope($0.path) }
        self.routes = Dictionary(taken.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        self.cors = cors
        self.metrics = metrics
        self.logger = logger
        self.serverName = serverName
        self.wallSeconds = wallSeconds
    }

    /// The faces' immediate routes, or nil when there are none to serve: `http.immediate_routes` is off, or the
    /// node is in a cluster (reads there merge the peers' views, and requests may be forwarded).
    static func make(services: ParleyServices, faces: [any APIFace]) -> ImmediateResponder? {
        guard services.config.http.immediateRoutes, services.relay == nil else { return nil }
        let routes = faces.flatMap { $0.immediateRoutes(services: services) }
        guard !routes.isEmpty else { return nil }
        return ImmediateResponder(
            routes: routes, cors: CORSPolicy(services.config.http), metrics: services.requestMetrics,
            logger: services.logger, serverName: ParleyServer.serverName)
    }

    /// The whole answer to `request` as HTTPTypes hand it to Hummingbird's codec, or nil to leave it to the
    /// router (see ``respond(_:dates:)``).
    func answer(_ request: HTTPRequest, dates: inout HTTPDateCache) -> ImmediateAnswer? {
        respond(request, dates: &dates)?.response(cors: cors, serverName: serverName)
    }

    /// The route's answer to `request` and what the ordinary path adds around it, with the request's metrics
    /// recorded and its log line written; nil to leave it to the router: it is not a plain GET of a route's exact
    /// path (no body, no `Upgrade`, no `Connection` other than keep-alive: Hummingbird closes after `close`), or
    /// the route declines. ``answer(_:dates:)`` and ``ImmediateExchange/http1Bytes(allocator:cors:serverName:)``
    /// turn it into the same response.
    func respond(_ request: HTTPRequest, dates: inout HTTPDateCache) -> ImmediateExchange? {
        guard request.method == .get, let target = request.path,
            let route = routes[String(Self.pathOnly(target))], Self.isPlain(request.headerFields)
        else { return nil }
        let logStarted = logger.logLevel <= .info ? ContinuousClock.now : nil
        let started = DispatchTime.now().uptimeNanoseconds
        let active = metrics.activeRequests(.get)
        active.increment()
        guard let answer = route.answer(request) else {
            active.decrement()
            return nil
        }
        metrics.recordResponse(
            .init(endpoint: route.path, method: .get, status: answer.head.status.code), startedAt: started)
        active.decrement()
        let fields = request.headerFields
        // Hummingbird names every request in its logger (`hb.request.id`); the middleware answers with that id
        // unless the caller brought an acceptable one.
        let generated = RequestID()
        let callerID = RequestIdentityMiddleware.acceptableID(fields.singleValue(.xRequestID))
        if let logStarted {
            var requestLogger = logger
            requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(generated)
            if let callerID { requestLogger[metadataKey: "request_id"] = .string(callerID) }
            RequestIdentityMiddleware.logCompletion(
                method: request.method, path: route.path, status: answer.head.status.code, started: logStarted,
                logger: requestLogger)
        }
        return ImmediateExchange(
            answer: answer, origin: fields.singleValue(.origin), requestID: callerID ?? generated.description,
            date: dates.value(at: wallSeconds()))
    }

    /// The request target's path: what precedes the query (RFC 9112 §3.2.1 origin-form).
    static func pathOnly(_ target: String) -> Substring {
        // Searched as bytes: a Character search costs grapheme breaking on every request.
        guard let query = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<query]
    }

    /// No body (RFC 9112 §6.3: neither Transfer-Encoding nor a non-zero Content-Length), no protocol change, and
    /// a connection that stays open.
    static func isPlain(_ fields: HTTPFields) -> Bool {
        if fields.contains(.transferEncoding) || fields.contains(.upgrade) { return false }
        if let length = fields.singleValue(.contentLength), length != "0" { return false }
        if let connection = fields.singleValue(.connection), connection.lowercased() != "keep-alive" { return false }
        return true
    }
}
