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
    func offer(_ request: Request, context: ParleyRequestContext, intent: MediaIntent, prefix: String,
               services: ParleyServices) async throws -> Response {
        let path = try streamPath(request.uri.path, prefix: prefix)
        try WebRTCAccess.authorize(request, path: path, intent: intent, services: services, now: clock())
        guard Self.isSDP(request.headers[.contentType]) else {
            throw WebRTCHTTPError(.unsupportedMediaType, "the offer must be Content-Type: application/sdp")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let text = String(buffer: body)
        let offer: SessionDescription
        do {
            offer = try SessionDescription.parse(text)
        } catch {
            throw WebRTCHTTPError(.badRequest, "unparsable SDP offer: \(error)")
        }
        // Refuse what cannot be served before the registry hears of it.
        do {
            _ = try SDPNegotiation.accept(offer: offer, intent: intent)
        } catch {
            throw WebRTCHTTPError(.unprocessableContent, "unsupported offer: \(error.reason)")
        }
        let plane = try await plane(services)
        let session = try await open(plane: plane, path: path, intent: intent, offer: offer, services: services)

        var headers = HTTPFields()
        headers[.contentType] = "application/sdp"
        headers[.location] = Self.sessionPrefix + session.id
        headers[.eTag] = session.etag
        for server in services.config.webrtc.iceServers {
            for url in server.urls { headers.append(HTTPField(name: .webrtcLink, value: Self.linkValue(url, server))) }
        }
        return Response(status: .created, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: session.answer)))
    }

    /// Registry first (it decides 409 for a second publisher), then the media plane; undone if the plane refuses.
    func open(plane: MediaPlane, path: StreamPath, intent: MediaIntent, offer: SessionDescription,
              services: ParleyServices) async throws -> SessionDescriptor {
        switch intent {
        case .publish:
            do {
                _ = try await services.rooms.startStream(path, publisher: nil, room: nil, codecs: ["opus"])
            } catch RoomError.streamAlreadyPublished {
                throw WebRTCHTTPError(.conflict, "a publisher is already live on \(path)")
            } catch {
                throw WebRTCHTTPError(.forbidden, "cannot publish \(path): \(error)")
            }
            do {
                return try await plane.publish(path: path.rawValue, offer: offer)
            } catch {
                _ = try? await services.rooms.stopStream(path)
                throw Self.httpError(error)
            }
        case .play:
            guard await plane.hasPublisher(path: path.rawValue) else {
                throw WebRTCHTTPError(.notFound, "nobody publishes \(path)")
            }
            let session: SessionDescriptor
            do {
                session = try await plane.play(path: path.rawValue, offer: offer)
            } catch {
                throw Self.httpError(error)
            }
            _ = try? await services.rooms.addSubscriber(path)
            return session
        }
    }

    static func httpError(_ error: any Error) -> WebRTCHTTPError {
        switch error as? MediaPlaneError {
        case .unsupported(let reason): WebRTCHTTPError(.unprocessableContent, "unsupported offer: \(reason)")
        case .pathBusy: WebRTCHTTPError(.conflict, "a publisher is already live on this path")
        case .noPublisher: WebRTCHTTPError(.notFound, "nobody publishes this path")
        case .unknownSession: WebRTCHTTPError(.notFound, "no such session")
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
        guard let contentType else { return false }
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return media == "application/sdp"
    }

    /// RFC 9725 §4.6: `<url>; rel="ice-server"` with TURN credentials as link params.
    static func linkValue(_ url: String, _ server: ParleyConfig.ICEServer) -> String {
        var value = "<\(url)>; rel=\"ice-server\""
        if let username = server.username { value += "; username=\"\(username)\"" }
        if let credential = server.credential { value += "; credential=\"\(credential)\"; credential-type=\"password\"" }
        return value
    }
}
