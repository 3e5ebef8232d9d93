import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCrypto
import ParleyHTTP
import Testing

@Suite("Monibuca JWT middleware")
struct MonibucaAuthTests {
    /// A token with the given header and claims, signed with `key` (HS256) or unsigned.
    static func handMade(header: String, claims: String, key: String?) -> String {
        let head = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        guard let key else { return head + "." }
        return head + "." + Base64URL.encode(HMAC.sha256(key: Array(key.utf8), message: Array(head.utf8)))
    }

    static let validClaims: String = {
        let now = Int(MonibucaFixture.now.timeIntervalSince1970)
        return #"{"sub":"admin","iat":\#(now),"nbf":\#(now),"exp":\#(now + 3600)}"#
    }()

    func expect401(
        _ client: any TestClientProtocol, headers: HTTPFields, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await client.execute(uri: "/api/streams", method: .get, headers: headers) { response in
            #expect(response.status == .unauthorized, sourceLocation: sourceLocation)
            let json = try MonibucaFixture.json(response.body)
            #expect(json["code"] as? Int == 401, sourceLocation: sourceLocation)
            let text = json["message"] as? String ?? ""
            #expect(text.contains(message), "message was: \(text)", sourceLocation: sourceLocation)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, sourceLocation: sourceLocation)
        }
    }

    @Test("each refusal names its reason: missing, malformed, alg none, other alg, bad signature, expired, nbf")
    func eachRefusalReason() async throws {
        let expired = try await MonibucaFixture.token(issuedAt: MonibucaFixture.now.addingTimeInterval(-86_401))
        let future = try await MonibucaFixture.token(issuedAt: MonibucaFixture.now.addingTimeInterval(120))
        let valid = try await MonibucaFixture.token()
        let parts = valid.split(separator: ".")
        let otherClaims = Base64URL.encode(Array(Self.validClaims.replacingOccurrences(of: "admin", with: "root").utf8))
        let tampered = parts[0] + "." + otherClaims + "." + parts[2]
        try await MonibucaFixture.withRouter { client in
            try await expect401(client, headers: [:], message: "missing authorization header")
            try await expect401(client, headers: [.authorization: "Bearer "], message: "missing authorization header")
            try await expect401(client, headers: MonibucaFixture.bearer("abc.def"), message: "malformed token")
            try await expect401(client, headers: MonibucaFixture.bearer("%%%.e30.sig"), message: "malformed token")
            try await expect401(
                client,
                headers: MonibucaFixture.bearer(
                    Self.handMade(header: #"{"alg":"none","typ":"JWT"}"#, claims: Self.validClaims, key: nil)),
                message: "algorithm none is not accepted")
            try await expect401(
                client,
                headers: MonibucaFixture.bearer(
                    Self.handMade(
                        header: #"{"alg":"HS512","typ":"JWT"}"#, claims: Self.validClaims,
                        key: MonibucaFixture.authSecret)),
                message: "algorithm HS512 is not accepted")
            try await expect401(
                client, headers: MonibucaFixture.bearer(String(tampered)), message: "invalid token signature")
            try await expect401(
                client,
                headers: MonibucaFixture.bearer(
                    Self.handMade(
                        header: #"{"alg":"HS256","typ":"JWT"}"#, claims: Self.validClaims, key: "other-secret")),
                message: "invalid token signature")
            try await expect401(client, headers: MonibucaFixture.bearer(expired), message: "token expired")
            try await expect401(client, headers: MonibucaFixture.bearer(future), message: "not valid yet")
            try await expect401(
                client,
                headers: MonibucaFixture.bearer(
                    Self.handMade(
                        header: #"{"alg":"HS256"}"#, claims: #"{"sub":"admin"}"#, key: MonibucaFixture.authSecret)),
                message: "malformed token")
        }
    }

    @Test("a valid token passes as Bearer and as a raw header value (v5); a hand-signed HS256 token passes too")
    func validTokens() async throws {
        let token = try await MonibucaFixture.token()
        let handSigned = Self.handMade(
            header: #"{"alg":"HS256","typ":"JWT"}"#, claims: Self.validClaims,
            key: MonibucaFixture.authSecret)
        try await MonibucaFixture.withRouter { client in
            for value in ["Bearer \(token)", token, "bearer \(handSigned)"] {
                try await client.execute(uri: "/api/streams", method: .get, headers: [.authorization: value]) {
                    #expect($0.status == .ok)
                }
            }
        }
    }

    @Test("a token with under 30 minutes left earns a fresh one in New-Token; a young one does not")
    func newTokenHeader() async throws {
        let old = try await MonibucaFixture.token(issuedAt: MonibucaFixture.now.addingTimeInterval(-86_400 + 600))
        let young = try await MonibucaFixture.token()
        try await MonibucaFixture.withRouter { client in
            try await client.execute(uri: "/api/streams", method: .get, headers: MonibucaFixture.bearer(old)) {
                response in
                #expect(response.status == .ok)
                let fresh = try #require(response.headers[.newToken])
                let claims = try MonibucaFixture.jwt().verify(fresh, now: MonibucaFixture.now).get()
                #expect(claims.exp == MonibucaFixture.now.addingTimeInterval(86_400))
            }
            try await client.execute(uri: "/api/streams", method: .get, headers: MonibucaFixture.bearer(young)) {
                #expect($0.status == .ok)
                #expect($0.headers[.newToken] == nil)
            }
        }
    }

    @Test(
        "excluded prefixes, login and the spec need no token; /api/v1, /healthz, /room, /webrtc, /, /join are untouched"
    )
    func excludedAndForeignPaths() async throws {
        try await MonibucaFixture.withRouter { client in
            // auth.exclude's /flv/ and /hls/: no 401, straight to the 501 of the module.
            for uri in ["/flv/live/a.flv", "/hls/live/index.m3u8", "/flv"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .notImplemented) }
            }
            // Not excluded: the token comes first.
            try await client.execute(uri: "/rtmp/api/list", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/config", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/meeting/api/rooms", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "//api//streams", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/stats", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"success":true}"#)
            }
            // MiroTalk keeps its own error format.
            try await client.execute(uri: "/api/v1/fail", method: .get) { response in
                #expect(response.status == .forbidden)
                let json = try MonibucaFixture.json(response.body)
                #expect(json["code"] == nil)
                #expect((json["error"] as? [String: Any])?["message"] as? String == "Unauthorized!")
            }
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!String(buffer: response.body).contains(#""code""#))
            }
            for uri in ["/healthz", "/room/r1", "/", "/join"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok, "\(uri)") }
            }
            try await client.execute(uri: "/webrtc/whip/live/cam", method: .post) { #expect($0.status == .ok) }
        }
    }

    @Test("a custom auth.exclude frees its prefix; auth.enabled false frees everything")
    func excludeConfiguration() async throws {
        let custom = MonibucaFixture.config { $0.auth.exclude = ["/api/streams"] }
        try await MonibucaFixture.withRouter(custom) { client in
            try await client.execute(uri: "/api/streams", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/streamsX", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/hls/x", method: .get) { #expect($0.status == .unauthorized) }
            // Login stays reachable whatever the list says.
            try await client.execute(
                uri: "/api/login", method: .post,
                body: ByteBuffer(string: #"{"username":"admin","password":"s3cret"}"#)
            ) {
                #expect($0.status == .ok)
            }
        }
        let open = MonibucaFixture.config { $0.auth.enabled = false }
        try await MonibucaFixture.withRouter(open) { client in
            try await client.execute(uri: "/api/streams", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/config", method: .get) { #expect($0.status == .ok) }
        }
    }
}
