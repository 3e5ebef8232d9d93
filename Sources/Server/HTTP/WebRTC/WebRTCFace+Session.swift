import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyMedia
import ParleyRooms
import ParleySFU
import ParleyWire

extension WebRTCFace {
    /// RFC 9725 §4.3: DELETE ends the session; media stops at once.
    func deleteSession(_ request: Request, context: ParleyRequestContext, services: ParleyServices) async throws
        -> Response
    {
        let plane = try plane(services)
        guard let ended = await plane.close(session: try sessionID(request)) else {
            throw WebRTCHTTPError(.notFound, "no such session")
        }
        if let path = StreamPath(ended.path) {
            switch ended.kind {
            case .publisher: _ = try? await services.rooms.stopStream(path)
            case .subscriber: _ = try? await services.rooms.removeSubscriber(path)
            }
        }
        return Response(status: .ok)
    }

    func getSession(_ request: Request, context: ParleyRequestContext, services: ParleyServices) async throws
        -> Response
    {
        let plane = try plane(services)
        guard let session = await plane.session(try sessionID(request)) else {
            throw WebRTCHTTPError(.notFound, "no such session")
        }
        var headers = HTTPFields()
        headers[.eTag] = session.etag
        return Response(status: .noContent, headers: headers)
    }

    /// RFC 9725 §4.4: trickle (204, no ETag) or ICE restart (`If-Match: *`, 200 with new credentials and ETag).
    /// `If-Match` is required (428 without it, 412 when it names another version).
    func patchSession(_ request: Request, context: ParleyRequestContext, services: ParleyServices) async throws
        -> Response
    {
        let plane = try plane(services)
        let id = try sessionID(request)
        guard let session = await plane.session(id) else { throw WebRTCHTTPError(.notFound, "no such session") }
        guard MediaType(request.headers[.contentType]) == .trickleICEFragment else {
            throw WebRTCHTTPError(.unsupportedMediaType, "PATCH takes application/trickle-ice-sdpfrag")
        }
        guard let ifMatch = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces) else {
            throw WebRTCHTTPError(.preconditionRequired, "PATCH needs If-Match")
        }
        let fragment: SDPFragment
        do {
            fragment = try SDPFragment.parse(try await Self.readSDPBody(request, context: context))
        } catch let error as SDPError {
            throw Self.sdpError(error, what: "sdpfrag")
        }
        let remoteUfrag = fragment.iceUfrag ?? fragment.media.lazy.compactMap(\.iceUfrag).first
        let remotePwd = fragment.icePwd ?? fragment.media.lazy.compactMap(\.icePwd).first
        if ifMatch == "*" {
            // ICE restart: the fragment carries the client's new ufrag/pwd.
            guard let remoteUfrag, remotePwd != nil else {
                throw WebRTCHTTPError(.badRequest, "an ICE restart needs a=ice-ufrag and a=ice-pwd")
            }
            let restarted: SessionDescriptor
            do {
                restarted = try await plane.restartICE(session: id, remoteUfrag: remoteUfrag)
            } catch {
                throw Self.httpError(error)
            }
            let answer = SDPFragment(attributes: [
                .iceUfrag(restarted.localCredentials.ufrag),
                .icePwd(restarted.localCredentials.pwd),
            ])
            var headers = HTTPFields()
            headers[.contentType] = "application/trickle-ice-sdpfrag"
            headers[.eTag] = restarted.etag
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.serialize())))
        }
        guard Self.entityTags(ifMatch).contains(session.etag) else {
            throw WebRTCHTTPError(.preconditionFailed, "If-Match does not name the session's current ETag")
        }
        // Trickled candidates need no action from an ICE-lite server: the client's checks reveal its addresses.
        return Response(status: .noContent)
    }

    func sessionID(_ request: Request) throws(WebRTCHTTPError) -> String {
        let id = request.uri.path.split(separator: "/").last.map(String.init) ?? ""
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isHexDigit }) else {
            throw WebRTCHTTPError(.notFound, "no such session")
        }
        return id
    }

    /// `If-Match` lists entity tags separated by commas (RFC 9110 §13.1.1); weak tags never match.
    static func entityTags(_ header: String) -> [String] {
        header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("W/") }
    }
}
