import Foundation
import ParleyCrypto

/// How the runner reaches a target's WHIP and WHEP endpoints and which credentials it shows them.
public struct MediaSignaling: Sendable {
    public var client: HTTPClient
    /// URL path templates with `{path}` for the stream path (`--whip-path`, `--whep-path`); Parley's and Monibuca
    /// v5's layouts are `/webrtc/whip/{path}` and `/webrtc/push/{path}`.
    public var whipTemplate: String
    public var whepTemplate: String
    /// A Monibuca JWT (or any token) sent as `Authorization: Bearer` (RFC 9725 §4.5).
    public var bearer: String?
    /// `plugin:type:key` stream keys: `webrtc:publish:K` signs WHIP, `webrtc:subscribe:K` WHEP (docs/contracts.md
    /// "Stream signatures": secret = md5(key + path + expire)).
    public var streamKeys: [String]

    public static let defaultWHIP = "/webrtc/whip/{path}"
    public static let defaultWHEP = "/webrtc/whep/{path}"

    public init(
        client: HTTPClient, whipTemplate: String? = nil, whepTemplate: String? = nil, bearer: String? = nil,
        streamKeys: [String] = []
    ) {
        self.client = client
        self.whipTemplate = whipTemplate ?? Self.defaultWHIP
        self.whepTemplate = whepTemplate ?? Self.defaultWHEP
        self.bearer = bearer
        self.streamKeys = streamKeys
    }

    /// A created session: the answer and the resource to DELETE (RFC 9725 §4.2: `Location`).
    public struct Session: Sendable {
        public var answer: String
        public var location: String?
    }

    public struct Refused: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The request path for one stream (query string added when a stream key signs it).
    public func path(publishing: Bool, streamPath: String, now: Date = Date()) -> String {
        let template = publishing ? whipTemplate : whepTemplate
        var path = template.replacingOccurrences(of: "{path}", with: streamPath)
        let direction = publishing ? "publish" : "subscribe"
        let key = streamKeys.lazy.compactMap { entry -> String? in
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            return parts.count == 3 && parts[0] == "webrtc" && parts[1] == direction ? parts[2] : nil
        }.first
        if let key {
            let expire = String(UInt64(now.timeIntervalSince1970) + 1800, radix: 16)
            let secret = Digest.hex(.md5, Array((key + streamPath + expire).utf8))
            path += (path.contains("?") ? "&" : "?") + "secret=\(secret)&expire=\(expire)"
        }
        return path
    }

    /// POSTs the offer; anything but 201 with an SDP body is a refusal with the status and the reason.
    public func open(publishing: Bool, streamPath: String, offer: String) async throws(Refused) -> Session {
        var headers = [HeaderField("Content-Type", "application/sdp"), HeaderField("Accept", "application/sdp")]
        if let bearer { headers.append(HeaderField("Authorization", "Bearer \(bearer)")) }
        let request = HTTPRequest(
            method: "POST", path: path(publishing: publishing, streamPath: streamPath), headers: headers,
            body: Array(offer.utf8))
        let (result, _) = await client.send(request)
        let response: HTTPResponse
        switch result {
        case .failure(let error): throw Refused(description: "\(publishing ? "WHIP" : "WHEP") POST: \(error)")
        case .success(let value): response = value
        }
        guard response.status == 201 else {
            let reason = response.bodyText.prefix(200)
            throw Refused(description: "\(publishing ? "WHIP" : "WHEP") POST answered \(response.status): \(reason)")
        }
        return Session(answer: response.bodyText, location: response.header("Location").map(relativePath))
    }

    /// Ends a session (RFC 9725 §4.3); failures are ignored, the server times the session out anyway.
    public func close(_ session: Session) async {
        guard let location = session.location else { return }
        var headers: [HeaderField] = []
        if let bearer { headers.append(HeaderField("Authorization", "Bearer \(bearer)")) }
        _ = await client.send(HTTPRequest(method: "DELETE", path: location, headers: headers))
    }

    /// `Location` may be absolute or relative (RFC 9110 §10.2.2); the client sends paths relative to the target.
    func relativePath(_ location: String) -> String {
        guard let components = URLComponents(string: location), components.host != nil else { return location }
        let path = components.percentEncodedPath
        let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
        let base = client.target.basePath
        let relative = base.isEmpty || !path.hasPrefix(base) ? path : String(path.dropFirst(base.count))
        return relative + query
    }
}
