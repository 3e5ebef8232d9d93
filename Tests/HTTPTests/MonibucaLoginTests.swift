import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyConfig
import ParleyHTTP
import ParleyStore
import Testing

@Suite("Monibuca login")
struct MonibucaLoginTests {
    static func credentials(_ user: String, _ password: String) -> ByteBuffer {
        ByteBuffer(string: #"{"username":"\#(user)","password":"\#(password)"}"#)
    }

    @Test("login answers the seed's flat token and v5's data.token, a verifiable HS256 JWT with sub/iat/nbf/exp")
    func loginSuccess() async throws {
        try await MonibucaFixture.withRouter { client in
            for path in ["/api/login", "/api/auth/login"] {
                try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "application/json"],
                    body: Self.credentials("admin", "s3cret")
                ) { response in
                    #expect(response.status == .ok)
                    let body = try MonibucaFixture.json(response.body)
                    #expect(body["code"] as? Int == 0)
                    #expect(body["message"] as? String == "success")
                    let token = try #require(body["token"] as? String)
                    let data = try #require(body["data"] as? [String: Any])
                    #expect(data["token"] as? String == token)
                    let info = try #require(data["userInfo"] as? [String: Any])
                    #expect(info["username"] as? String == "admin")
                    let expiresAt = try #require(info["expiresAt"] as? Int)
                    #expect(expiresAt == Int(MonibucaFixture.now.timeIntervalSince1970) + 86_400)
                    let claims = try MonibucaFixture.jwt().verify(token, now: MonibucaFixture.now).get()
                    #expect(claims.sub == "admin")
                    #expect(claims.iat == MonibucaFixture.now)
                    #expect(claims.nbf == MonibucaFixture.now)
                    #expect(Int(claims.exp.timeIntervalSince1970) == expiresAt)
                    let header = try #require(token.split(separator: ".").first)
                    #expect(
                        String(decoding: try #require(Data(base64URL: header)), as: UTF8.self).contains(
                            #""alg":"HS256""#))
                }
            }
        }
    }

    @Test("wrong password, unknown user and a malformed body are refused in the envelope")
    func loginFailure() async throws {
        try await MonibucaFixture.withRouter { client in
            for body in [Self.credentials("admin", "wrong"), Self.credentials("nobody", "s3cret")] {
                try await client.execute(uri: "/api/login", method: .post, body: body) { response in
                    #expect(response.status == .unauthorized)
                    let json = try MonibucaFixture.json(response.body)
                    #expect(json["code"] as? Int == 401)
                    #expect(json["message"] as? String == "invalid username or password")
                    #expect(json["token"] == nil)
                }
            }
            for body in ["not json", #"{"username":"admin"}"#, #"{"username":"","password":""}"#] {
                try await client.execute(uri: "/api/login", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest)
                    let json = try MonibucaFixture.json(response.body)
                    #expect(json["code"] as? Int == 400)
                }
            }
        }
    }

    @Test("after five failures the address gets 429 with Retry-After, even with the right password")
    func loginRateLimit() async throws {
        try await MonibucaFixture.withRouter { client in
            for _ in 0..<5 {
                try await client.execute(uri: "/api/login", method: .post, body: Self.credentials("admin", "x")) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/login", method: .post, body: Self.credentials("admin", "s3cret")) {
                response in
                #expect(response.status == .tooManyRequests)
                let retry = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...300).contains(retry))
                let json = try MonibucaFixture.json(response.body)
                #expect(json["code"] as? Int == 429)
            }
        }
    }

    @Test("configured plain passwords are hashed on load; an empty user list generates one admin, stored hashed")
    func usersLoad() async throws {
        let database = try ParleyDatabase.inMemory()
        let store = AdminUserStore(database: database)
        var auth = ParleyConfig.Auth(users: [.init(username: "ops", password: "plain-pass")])
        let (configured, none) = try await MonibucaUsers.load(auth: auth, store: store, iterations: 1_000)
        #expect(none == nil)
        #expect(configured.authenticate(username: "ops", password: "plain-pass"))
        #expect(!configured.authenticate(username: "ops", password: "plain-pas"))

        auth.users = []
        let (generated, password) = try await MonibucaUsers.load(auth: auth, store: store, iterations: 1_000)
        let secret = try #require(password)
        #expect(secret.count >= 20)
        #expect(generated.authenticate(username: "admin", password: secret))
        let stored = try AdminUserStore(database: database).passwordHash(of: "admin")
        let hash = try #require(stored)
        #expect(hash.hasPrefix("pbkdf2-sha256$") && !hash.contains(secret))
        // A second start reuses the stored hash and prints nothing.
        let (again, noPassword) = try await MonibucaUsers.load(auth: auth, store: store, iterations: 1_000)
        #expect(noPassword == nil)
        #expect(again.authenticate(username: "admin", password: secret))
    }
}

extension Data {
    init?(base64URL text: Substring) {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        self.init(base64Encoded: s)
    }
}
