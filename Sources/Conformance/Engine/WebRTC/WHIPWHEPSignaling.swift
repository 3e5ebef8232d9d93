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

    /// A created session: the answer and the resource to DELETE (RFC 9725 §4.2: `Location`), on the origin that
    /// created it (another node's when the offer was redirected).
    public struct Session: Sendable {
        public var answer: String
        public var location: String?
        /// The client for that origin; nil = the signalling's own.
        public var client: HTTPClient?

        public init(answer: String, location: String?, client: HTTPClient? = nil) {
            self.answer = answer
            self.location = location
            self.client = client
        }
    }

    /// Redirects followed per offer (RFC 9725 §4.5: a client follows 307/308 to the URL in `Location`).
    static let maxRedirects = 3

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

    /// POSTs the offer, following up to ``maxRedirects`` 307/308 redirects, to another node too (RFC 9725 §4.5);
    /// anything but 201 with an SDP body is a refusal with the status and the reason.
    public func open(publishing: Bool, streamPath: String, offer: String) async throws(Refused) -> Session {
        let what = publishing ? "WHIP" : "WHEP"
        var headers = [HeaderField("Content-Type", "application/sdp"), HeaderField("Accept", "application/sdp")]
        if let bearer { headers.append(HeaderField("Authorization", "Bearer \(bearer)")) }
        var client = self.client
        var path = path(publishing: publishing, streamPath: streamPath)
        var redirects = 0
        while true {
            let request = HTTPRequest(method: "POST", path: path, headers: headers, body: Array(offer.utf8))
            let (result, _) = await client.send(request)
            let response: HTTPResponse
            switch result {
            case .failure(let error): throw Refused(description: "\(what) POST \(client.target.url): \(error)")
            case .success(let value): response = value
            }
            if [307, 308].contains(response.status), redirects < Self.maxRedirects,
                let location = response.header("Location"), let next = client.following(location, from: path)
            {
                redirects += 1
                (client, path) = next
                continue
            }
            guard response.status == 201 else {
                let reason = response.bodyText.prefix(200)
                throw Refused(description: "\(what) POST answered \(response.status): \(reason)")
            }
            let location = response.header("Location").flatMap { client.following($0, from: path)?.path }
            return Session(
                answer: response.bodyText, location: location,
                client: client.target == self.client.target ? nil : client)
        }
    }

    /// Ends a session (RFC 9725 §4.3); failures are ignored, the server times the session out anyway.
    public func close(_ session: Session) async {
        guard let location = session.location else { return }
        var headers: [HeaderField] = []
        if let bearer { headers.append(HeaderField("Authorization", "Bearer \(bearer)")) }
        _ = await (session.client ?? client).send(HTTPRequest(method: "DELETE", path: location, headers: headers))
    }
}
