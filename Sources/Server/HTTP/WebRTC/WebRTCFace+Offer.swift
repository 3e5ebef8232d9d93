import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyMedia
import ParleyConfig
import ParleyRooms
import ParleySFU
import ParleyWire

extension WebRTCFace {
    /// RFC 9725 §4.2: `application/sdp` offer → 201, the answer, `Location` and `ETag`; ICE servers as Link headers.
    /// In a cluster, a path another node serves is redirected first (§4.5). Cheap refusals come first (path,
    /// credentials, content type, session caps, body size), then the offer is parsed within `SDPLimits` and
    /// negotiated once; DTLS state is created only after all of that.
    func offer(
        _ request: Request, context: ParleyRequestContext, intent: MediaIntent, prefix: String,
        services: ParleyServices
    ) async throws -> Response {
        let path = try streamPath(request.uri.path, prefix: prefix)
        if let redirect = try await clusterRedirect(request, path: path, intent: intent, services: services) {
            return redirect
        }
        let grant = try await WebRTCAccess.authorize(request, path: path, intent: intent, services: services)
        guard Self.isSDP(request.headers[.contentType]) else {
            throw WebRTCHTTPError(.unsupportedMediaType, "the offer must be Content-Type: application/sdp")
        }
        let kind: SessionKind = intent == .publish ? .publisher : .subscriber
        let source = context.clientAddress
        let plane = try plane(services)
        if let refusal = await plane.admissionRefusal(kind, path: path.rawValue, source: source) {
            throw Self.httpError(refusal)
        }
        let offer = try await Self.readDescription(request, context: context)
        let accepted: AcceptedOffer
        do {
            accepted = try SDPNegotiation.accept(offer: offer, intent: intent)
        } catch {
            throw WebRTCHTTPError(.unprocessableContent, "unsupported offer: \(error.reason)")
        }
        let session = try await open(
            plane: plane, path: path, offer: offer, accepted: accepted, source: source, grant: grant,
            services: services)

        var headers = HTTPFields()
        headers[.contentType] = "application/sdp"
        headers[.location] = Self.sessionPrefix + session.id
        headers[.eTag] = session.etag
        for server in services.config.webrtc.iceServers {
            for url in server.urls { headers.append(HTTPField(name: .webrtcLink, value: Self.linkValue(url, server))) }
        }
        return Response(
            status: .created, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: session.answer)))
    }

    /// The body as an offer: larger than `SDPLimits.standard.maxBytes` (or `http.max_body_bytes`) is 413 before
    /// it is all read; over another limit 413, malformed 400, each with the line and the reason.
    static func readDescription(_ request: Request, context: ParleyRequestContext) async throws
        -> SessionDescription
    {
        let text = try await readSDPBody(request, context: context)
        do {
            return try SessionDescription.parse(text)
        } catch {
            throw sdpError(error, what: "SDP offer")
        }
    }

    static func readSDPBody(_ request: Request, context: ParleyRequestContext) async throws -> String {
        let limit = min(context.maxUploadSize, SDPLimits.standard.maxBytes)
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw WebRTCHTTPError(.contentTooLarge, "the body is \(declared) bytes; at most \(limit)")
        }
        do {
            return String(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw WebRTCHTTPError(.contentTooLarge, "the body is too large: at most \(limit) bytes")
        }
    }

    static func sdpError(_ error: SDPError, what: String) -> WebRTCHTTPError {
        switch error.kind {
        case .tooLarge: WebRTCHTTPError(.contentTooLarge, "\(what) too large: \(error)")
        case .malformed: WebRTCHTTPError(.badRequest, "unparsable \(what): \(error)")
        }
    }

    /// The plane first (it decides 409 for a second publisher and 404 for a player of nothing), then the registry
    /// with the kinds and codecs of the accepted tracks; the session is closed again if the registry refuses. A room session
    /// is tied to its participant before the registry learns of it, so a leave from then on ends it.
    func open(
        plane: MediaPlane, path: StreamPath, offer: SessionDescription, accepted: AcceptedOffer,
        source: String, grant: WebRTCGrant, services: ParleyServices
    ) async throws -> SessionDescriptor {
        let session: SessionDescriptor
        do {
            session = try await plane.open(
                accepted.intent == .publish ? .publisher : .subscriber, path: path.rawValue, offer: offer,
                accepted: accepted, source: source)
        } catch {
            throw Self.httpError(error)
        }
        do {
            if let owner = Self.owner(of: session, path: path, grant: grant) {
                guard await plane.assign(session: session.id, to: owner) else {
                    throw WebRTCHTTPError(.notFound, "the session ended before it was set up")
                }
            }
            switch accepted.intent {
            case .publish:
                try await register(
                    publisher: session, accepted: accepted, path: path, grant: grant, services: services)
            case .play: try await register(player: session, path: path, grant: grant, services: services)
            }
        } catch {
            await plane.close(session: session.id)
            throw error
        }
        return session
    }

    static func httpError(_ error: any Error) -> WebRTCHTTPError {
        switch error as? MediaPlaneError {
        case .unsupported(let reason): WebRTCHTTPError(.unprocessableContent, "unsupported offer: \(reason)")
        case .pathBusy: WebRTCHTTPError(.conflict, "a publisher is already live on this path")
        case .noPublisher: WebRTCHTTPError(.notFound, "nobody publishes this path")
        case .unknownSession: WebRTCHTTPError(.notFound, "no such session")
        case .overloaded(let reason, let seconds):
            // RFC 9110 §15.6.4 / §10.2.3: temporarily unable, with when to try again.
            WebRTCHTTPError(.serviceUnavailable, reason, headers: [.retryAfter: String(seconds)])
        case .portUnavailable(let reason): WebRTCHTTPError(.serviceUnavailable, reason)
        case .internalFailure(let reason): WebRTCHTTPError(.internalServerError, reason)
        case nil: WebRTCHTTPError(.internalServerError, "\(error)")
        }
    }

    func streamPath(_ requestPath: String, prefix: String) throws(WebRTCHTTPError) -> StreamPath {
        let segments = requestPath.split(separator: "/", omittingEmptySubsequences: false)
        // "", "webrtc", prefix, path...
        guard segments.count > 3 else { throw WebRTCHTTPError(.notFound, "no stream path") }
        let raw = segments[3...].joined(separator: "/")
        guard let path = StreamPath(raw.removingPercentEncoding ?? raw) else {
            throw WebRTCHTTPError(.notFound, "invalid stream path \"\(raw.prefix(80))\"")
        }
        return path
    }

    static func isSDP(_ contentType: String?) -> Bool {
        MediaType(contentType) == .sdp
    }

    /// RFC 9725 §4.6: `<url>; rel="ice-server"` with TURN credentials as link params.
    static func linkValue(_ url: String, _ server: ParleyConfig.ICEServer) -> String {
        var value = "<\(url)>; rel=\"ice-server\""
        if let username = server.username { value += "; username=\"\(username)\"" }
        if let credential = server.credential {
            value += "; credential=\"\(credential)\"; credential-type=\"password\""
        }
        return value
    }
}
