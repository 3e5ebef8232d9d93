import HTTPTypes
import NIOCore

/// A whole response known on the event loop: the head the route's Hummingbird `Response` carries (status, its
/// headers, the Content-Length `Response` adds) and the body bytes.
public struct ImmediateAnswer: Sendable {
    public var head: HTTPResponse
    public var body: ByteBuffer

    public init(head: HTTPResponse, body: ByteBuffer) {
        self.head = head
        self.body = body
    }
}

/// A route whose whole answer is known on the event loop the moment its head is read: no body, no I/O, no actor
/// hop. ``ImmediateResponseHandler`` answers a plain GET of ``path`` with it, without a Swift task; anything the
/// route cannot answer that way it declines (nil) and the router answers as usual.
///
/// The route must give the bytes its router handler gives for the same request (the equivalence tests compare
/// them); ``ImmediateResponder`` adds what the router's middleware and Hummingbird add around every route.
public protocol ImmediateRoute: Sendable {
    /// The exact request path (no query, no trailing slash) answered; also the `http.route` label of its metrics,
    /// as the router names the route.
    var path: String { get }

    /// True when the route itself applies what the Monibuca envelope and JWT middleware do on its path (a route
    /// under Monibuca's prefixes is taken only then).
    var appliesMonibucaLayers: Bool { get }

    /// The answer to a GET of ``path`` carrying `request`'s headers, or nil to leave the request to the router.
    func answer(_ request: HTTPRequest) -> ImmediateAnswer?
}

extension ImmediateRoute {
    public var appliesMonibucaLayers: Bool { false }
}
