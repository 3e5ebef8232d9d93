import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyMedia
import ParleyRooms
import ParleySFU
import ParleyWire

/// WHIP (RFC 9725) and WHEP (draft-ietf-wish-whep-02) under `/webrtc` (docs/contracts.md §Media and rooms):
/// `POST /webrtc/whip/{path...}` publishes, `POST /webrtc/whep/{path...}` plays (aliases `/webrtc/push/…` and
/// `/webrtc/play/…`, Monibuca v5), and `/webrtc/session/{id}` is the session resource (DELETE, PATCH, GET).
public struct WebRTCFace: APIFace {
    /// Serves with the server's media plane (``ParleyServices/media``) and clock.
    public init() {}

    static let publishPrefixes = ["whip", "push"]
    static let playPrefixes = ["whep", "play"]
    static let sessionPrefix = "/webrtc/session/"

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        for prefix in Self.publishPrefixes + Self.playPrefixes {
            let intent: MediaIntent = Self.publishPrefixes.contains(prefix) ? .publish : .play
            let route = RouterPath("/webrtc/\(prefix)/**")
            router.post(route) { request, context in
                try await offer(request, context: context, intent: intent, prefix: prefix, services: services)
            }
            router.on(route, method: .options) { _, _ in Self.optionsResponse() }
            // RFC 9725 §4.2 leaves GET to the endpoint open; answer "exists, nothing to show".
            router.get(route) { _, _ in Response(status: .noContent) }
        }
        let session = RouterPath("/webrtc/session/{id}")
        router.delete(session) { request, context in
            try await deleteSession(request, context: context, services: services)
        }
        router.patch(session) { request, context in
            try await patchSession(request, context: context, services: services)
        }
        router.get(session) { request, context in
            try await getSession(request, context: context, services: services)
        }
        router.on(session, method: .options) { _, _ in
            var headers = HTTPFields()
            headers[.allow] = "OPTIONS, GET, PATCH, DELETE"
            headers[.webrtcAcceptPatch] = "application/trickle-ice-sdpfrag"
            return Response(status: .noContent, headers: headers)
        }
    }

    /// The server's one media plane; a server built without one answers 503.
    func plane(_ services: ParleyServices) throws(WebRTCHTTPError) -> MediaPlane {
        guard let plane = services.media else {
            throw WebRTCHTTPError(.serviceUnavailable, "this server runs no media plane")
        }
        return plane
    }

    static func optionsResponse() -> Response {
        var headers = HTTPFields()
        headers[.webrtcAcceptPost] = "application/sdp"
        headers[.allow] = "OPTIONS, POST, GET"
        return Response(status: .noContent, headers: headers)
    }
}

/// A refusal with its status and a plain-text reason.
struct WebRTCHTTPError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let reason: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ reason: String, headers: HTTPFields = [:]) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: reason + "\n")))
    }
}

extension HTTPField.Name {
    static let webrtcAcceptPost = HTTPField.Name("Accept-Post")!
    static let webrtcAcceptPatch = HTTPField.Name("Accept-Patch")!
    static let webrtcLink = HTTPField.Name("Link")!
}
