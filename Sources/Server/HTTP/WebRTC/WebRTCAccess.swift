import Foundation
import HTTPTypes
import Hummingbird
import ParleyMedia
import ParleyRooms

/// Who may publish or play a path over WHIP/WHEP (docs/contracts.md §Who may do what):
/// - a valid Monibuca JWT as `Bearer` may publish or play any path;
/// - any other Bearer value is refused (401; room `session_token`s arrive with the SFU issue);
/// - without a Bearer, `room/…` paths are refused (401) and, when `stream_auth.enabled`, `?secret=&expire=` must
///   verify (missing 401, wrong or expired 403).
enum WebRTCAccess {
    static func authorize(
        _ request: Request, path: StreamPath, intent: MediaIntent, services: ParleyServices,
        now: Date
    ) throws(WebRTCHTTPError) {
        switch AuthorizationCredential(request.headers[.authorization]) {
        case .absent:
            break
        case .empty:
            // A header that names no token is refused as Monibuca refuses it, never read as "no header".
            throw WebRTCHTTPError(
                .unauthorized, "missing bearer token",
                headers: [.wwwAuthenticate: #"Bearer realm="parley""#])
        case .bearer(let token), .raw(let token):
            let jwt = MonibucaJWT(
                secret: services.secrets.authSecret, lifetime: TimeInterval(services.config.auth.expire))
            switch jwt.verify(token, now: now) {
            case .success: return
            case .failure(let refusal):
                throw WebRTCHTTPError(
                    .unauthorized, "invalid bearer token: \(refusal)",
                    headers: [.wwwAuthenticate: #"Bearer realm="parley", error="invalid_token""#])
            }
        }
        if path.roomScoped != nil || path.segments.first == StreamPath.roomPrefix {
            throw WebRTCHTTPError(
                .unauthorized, "room streams need a Bearer token",
                headers: [.wwwAuthenticate: #"Bearer realm="parley""#])
        }
        let query = request.uri.queryParameters
        do throws(StreamSignature.Refusal) {
            try StreamSignature.verify(
                services.config.streamAuth, plugin: "webrtc",
                direction: intent == .publish ? .publish : .subscribe,
                streamPath: path.rawValue, secret: query["secret"].map(String.init),
                expire: query["expire"].map(String.init), now: now)
        } catch {
            throw WebRTCHTTPError(error == .missing ? .unauthorized : .forbidden, error.description)
        }
    }
}
