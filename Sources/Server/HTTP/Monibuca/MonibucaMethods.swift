import Hummingbird
import HTTPTypes

/// RFC 9110 §15.5.6: a known path asked with a method it does not support answers 405 with `Allow`, in the
/// envelope, rather than the router's 404. (A CORS preflight never gets here; the CORS layer answers it.)
enum MonibucaMethods {
    /// The methods answered 405 when a path does not list them; QUERY is the safe-with-body method of
    /// draft-ietf-httpbis-safe-method-w-body, which fuzzers already send.
    static let all: [HTTPRequest.Method] =
        [.get, .head, .post, .put, .patch, .delete, .options, .trace]
        + [HTTPRequest.Method("QUERY")].compactMap { $0 }

    static func refuseOthers(
        on router: Router<ParleyRequestContext>, path: String, allowed: [HTTPRequest.Method],
        reason: String? = nil
    ) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for method in all where !allowed.contains(method) {
            router.on(RouterPath(path), method: method) { request, _ -> Response in
                let text = "\(request.method.rawValue) is not allowed here; use \(allow)"
                throw MonibucaError(
                    .methodNotAllowed, reason.map { "\($0) (\(text))" } ?? text,
                    headers: [.allow: allow])
            }
        }
    }
}
