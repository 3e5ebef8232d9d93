import HTTPTypes
import Hummingbird

/// Registers a face's routes on the router and remembers which methods each path answers, so the face can then
/// answer every other method on those paths with 405 and `Allow` (RFC 9110 §15.5.6) instead of the router's 404 —
/// as Go's `net/http` router, which Monibuca uses, does. The face's routes are written as usual (`get`, `post`, ...).
final class MethodRecordingRouter: RouterMethods, @unchecked Sendable {
    typealias Context = ParleyRequestContext

    let router: Router<Context>
    /// Paths in registration order with the methods registered on each (only touched while routes are built, on
    /// one thread, before the server starts).
    private var paths: [String] = []
    private var methods: [String: [HTTPRequest.Method]] = [:]

    init(_ router: Router<Context>) {
        self.router = router
    }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        router.on(path, method: method, responder: responder)
        let key = path.description
        if methods[key] == nil { paths.append(key) }
        methods[key, default: []].append(method)
        return self
    }

    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }

    /// The recorded paths and the methods each answers, in registration order.
    var routes: [(path: String, methods: [HTTPRequest.Method])] {
        paths.map { ($0, methods[$0] ?? []) }
    }

    /// Every other method on each recorded path answers 405 with `Allow`, in the Monibuca envelope.
    func refuseOtherMethods() {
        for (path, allowed) in routes {
            MonibucaMethods.refuseOthers(on: router, path: path, allowed: allowed)
        }
    }
}
