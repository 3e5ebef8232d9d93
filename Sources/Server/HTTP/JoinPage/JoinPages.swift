import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyRooms

/// What the page routes answer. Only the decisions a browser cannot be trusted with are made here: the room name's
/// grammar and the MiroTalk token (signature, expiry); everything else in the query the page reads itself.
struct JoinPages: Sendable {
    let assets: WebAssets
    let verifier: MiroTalkTokenVerifier

    /// `/join?…`. No query at all → `/` (MiroTalk does the same); `room` empty or `random` lets the page pick one.
    func joinByQuery(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        guard !(request.uri.query ?? "").isEmpty else { return Self.redirect(to: "/") }
        if let room = query.get("room"), !room.isEmpty, room != "random", RoomID(room) == nil {
            return Self.invalidRoom()
        }
        if let token = query.get("token"), !token.isEmpty {
            do {
                _ = try await verifier.verify(token)
            } catch {
                return Self.message(
                    .unauthorized, title: "This link cannot be used",
                    text: error == .expired
                        ? "The invitation in this link has expired. Ask the organiser for a new link."
                        : "The invitation in this link is not valid (\(Self.describe(error))). Ask the organiser for a new link."
                )
            }
        }
        return file("join.html", request)
    }

    /// `/join/{room}`: the room in the path must be a room id (docs/contracts.md §Identifiers).
    func joinByPath(_ request: Request, room: String) -> Response {
        guard RoomID(room.removingPercentEncoding ?? room) != nil else { return Self.invalidRoom() }
        return file("join.html", request)
    }

    func asset(_ request: Request, name: String) -> Response {
        // The landing and meeting pages are served at their own routes only, never as /assets/*.html.
        guard !name.hasSuffix(".html") else { return Self.notFound(name) }
        return file(name, request)
    }

    /// One file with its validator; `If-None-Match` with the current tag → 304 (RFC 9110 §13.1.2).
    func file(_ name: String, _ request: Request) -> Response {
        guard !assets.files.isEmpty else {
            return Self.message(
                .serviceUnavailable, title: "Page unavailable",
                text: "This server was installed without its web page files. The APIs work; see /api/v1/docs.",
                styled: false)
        }
        guard let asset = assets.files[name] else { return Self.notFound(name) }
        var headers = Self.securityHeaders
        headers[.contentType] = asset.contentType
        headers[.eTag] = asset.etag
        // Not versioned by name, so always revalidated: a new build shows at once, an unchanged file costs a 304.
        headers[.cacheControl] = "no-cache"
        if let tags = request.headers[.ifNoneMatch],
            tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag })
        {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }

    /// Everything the page needs comes from this origin: its modules, its stylesheet, the room WebSocket and
    /// WHIP/WHEP (`connect-src 'self'` covers ws:/wss: of the same host, CSP Level 3 §6.7.2.8). The token rides in
    /// the query string, so no referrer leaves the page. Images may come from https: (MiroTalk's `avatar` is a URL).
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; "
            + "media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("Permissions-Policy")!: "camera=(self), microphone=(self), display-capture=(self)",
    ]

    static func redirect(to location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func invalidRoom() -> Response {
        message(
            .badRequest, title: "No such room",
            text: "Room names use only letters, digits and . _ ~ - (at most 64).")
    }

    static func notFound(_ name: String) -> Response {
        message(.notFound, title: "Not found", text: "There is no page file named \(name).")
    }

    static func describe(_ error: MiroTalkTokenError) -> String {
        switch error {
        case .malformed: "malformed"
        case .unsupportedAlgorithm(let alg): "algorithm \(alg) is not accepted"
        case .badSignature: "bad signature"
        case .expired: "expired"
        case .notYetValid: "not valid yet"
        case .undecryptableData, .invalidPayload: "unreadable payload"
        }
    }

    /// A small HTML page for a refusal: a browser opened the link, so it reads a sentence, not JSON.
    static func message(_ status: HTTPResponse.Status, title: String, text: String, styled: Bool = true) -> Response {
        let style = styled ? "<link rel=\"stylesheet\" href=\"/assets/parley.css\">" : ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(HTMLEscape.text(title)) · Parley</title>\(style)</head>
            <body class="notice-page"><main><h1>\(HTMLEscape.text(title))</h1><p role="alert">\(HTMLEscape.text(text))</p>
            <p><a href="/">Parley home</a></p></main></body></html>

            """
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
