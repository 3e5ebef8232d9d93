import Hummingbird

/// A router-wide middleware over Parley's context.
public typealias ParleyMiddleware = any MiddlewareProtocol<Request, Response, ParleyRequestContext>

/// One API face of the server (MiroTalk REST, Monibuca core, Meeting REST, room WebSocket, WHIP/WHEP, health).
/// Faces only register routes; they share state through ``ParleyServices`` (the room registry above all), never
/// by calling each other.
public protocol APIFace: Sendable {
    /// Router-wide middleware this face contributes (CORS, Monibuca JWT auth, ...), added before any route, in
    /// face order, so it also sees requests that match no route.
    func middlewares(services: ParleyServices) -> [ParleyMiddleware]

    func register(on router: Router<ParleyRequestContext>, services: ParleyServices)

    /// Routes answered on the event loop when the whole answer is known there (``ImmediateRoute``); each also
    /// stays registered on the router, which answers whatever the route declines.
    func immediateRoutes(services: ParleyServices) -> [any ImmediateRoute]
}

extension APIFace {
    public func middlewares(services: ParleyServices) -> [ParleyMiddleware] { [] }
    public func immediateRoutes(services: ParleyServices) -> [any ImmediateRoute] { [] }
}
