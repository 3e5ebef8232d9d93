import ParleyJSON
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import ParleyConfig
import ParleyCrypto
@testable import ParleyHTTP
import Testing

@Suite("MiroTalk REST: /join, /token and request bodies")
struct MiroTalkJoinTokenTests {
    typealias F = MiroTalkFixture

    func joinURL(_ client: some TestClientProtocol, _ json: String) async throws -> String {
        try await client.execute(uri: "/api/v1/join", method: .post, headers: F.json, body: F.body(json)) { response in
            #expect(response.status == .ok, "\(response.text)")
            let prefix = #"{"join":""#
            #expect(response.text.hasPrefix(prefix) && response.text.hasSuffix(#""}"#), "\(response.text)")
            return String(response.text.dropFirst(prefix.count).dropLast(2))
        }
    }

    @Test("/join reproduces MiroTalk's test oracle: fixed order, name/avatar encodeURIComponent'd, the rest raw")
    func joinOracle() async throws {
        try await F.app().test(.router) { client in
            let url = try await joinURL(
                client,
                #"{"room":"room1","roomPassword":"password123","name":"John Doe","avatar":"test.jpg","audio":true,"video":false,"screen":false,"chat":false,"hide":false,"notify":false,"duration":"00:30:00"}"#
            )
            #expect(
                url
                    == "https://localhost/join?room=room1&roomPassword=password123&name=John%20Doe&avatar=test.jpg&audio=true&video=false&screen=false&chat=false&hide=false&notify=false&duration=00:30:00"
            )
        }
    }

    @Test("/join with {} takes every default: a UUID room, User-<n>, false flags, duration unlimited")
    func joinDefaults() async throws {
        try await F.app().test(.router) { client in
            let url = try await joinURL(client, "{}")
            let pattern =
                #/^https://localhost/join\?room=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}&roomPassword=false&name=User-(\d{1,6})&avatar=false&audio=false&video=false&screen=false&chat=false&hide=false&notify=false&duration=unlimited$/#
            let match = try #require(url.wholeMatch(of: pattern), "\(url)")
            #expect((Int(match.1) ?? -1) <= 999_998)
        }
    }

    @Test("/join: falsy values take defaults, strings pass raw, JavaScript String() of numbers/arrays, urlencoded body")
    func joinJavaScriptConversions() async throws {
        try await F.app().test(.router) { client in
            let url = try await joinURL(
                client,
                #"{"room":"r.1","roomPassword":"","name":"Ann & Bob/é?","avatar":"https://x.org/a b.png","audio":"true","video":1,"screen":0,"chat":null,"hide":[1,2],"notify":"yes","duration":"unlimited"}"#
            )
            #expect(
                url
                    == "https://localhost/join?room=r.1&roomPassword=false&name=Ann%20%26%20Bob%2F%C3%A9%3F&avatar=https%3A%2F%2Fx.org%2Fa%20b.png&audio=true&video=1&screen=false&chat=false&hide=1,2&notify=yes&duration=unlimited"
            )
            try await client.execute(
                uri: "/api/v1/join", method: .post,
                headers: [.authorization: F.key, .contentType: "application/x-www-form-urlencoded"],
                body: F.body("room=test&name=Jo+Doe&audio=true&duration=01%3A00%3A00")
            ) {
                #expect($0.status == .ok)
                #expect(
                    $0.text
                        == #"{"join":"https://localhost/join?room=test&roomPassword=false&name=Jo%20Doe&avatar=false&audio=true&video=false&screen=false&chat=false&hide=false&notify=false&duration=01:00:00"}"#
                )
            }
        }
    }

    @Test("/join with a token object appends &token=<JWT> that verifies and carries the given credentials")
    func joinWithToken() async throws {
        try await F.app().test(.router) { client in
            let url = try await joinURL(
                client,
                #"{"room":"test","name":"mirotalksfu","token":{"username":"alice","password":"pw","presenter":true,"expire":"1h"}}"#
            )
            let parts = url.components(separatedBy: "&token=")
            #expect(parts.count == 2)
            #expect(parts[0].hasSuffix("&duration=unlimited"))
            let claims = try await MiroTalkTokenVerifier(secret: F.jwtSecret).verify(parts[1])
            #expect(
                claims
                    == MiroTalkTokenClaims(
                        username: "alice", password: "pw", presenter: true,
                        issuedAt: claims.issuedAt, expiresAt: claims.expiresAt))
            let lifetime = claims.expiresAt.timeIntervalSince(try #require(claims.issuedAt))
            #expect(lifetime == 3600)
        }
    }

    @Test(
        "/join: no body → 400 (MiroTalk 500); room outside the identifier grammar → 400; bad token expire → 400 (MiroTalk 500)"
    )
    func joinRefusals() async throws {
        try await F.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/join", method: .post, headers: F.auth) {
                #expect($0.status == .badRequest)
                #expect(
                    $0.text == #"{"status":400,"message":"Missing request body: send the join parameters as JSON"}"#)
            }
            try await client.execute(
                uri: "/api/v1/join", method: .post,
                headers: [.authorization: F.key, .contentType: "text/plain"], body: F.body("room=x")
            ) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: "/api/v1/join", method: .post, headers: F.json,
                body: F.body(#"{"room":"a room&x=1"}"#)
            ) {
                #expect($0.status == .badRequest)
                #expect($0.text == #"{"status":400,"message":"Invalid room: must match [A-Za-z0-9._~-]{1,64}"}"#)
            }
            try await client.execute(
                uri: "/api/v1/join", method: .post, headers: F.json,
                body: F.body(#"{"room":"ok","token":{"expire":"soon"}}"#)
            ) {
                #expect($0.status == .badRequest)
                #expect(
                    $0.text
                        == #"{"status":400,"message":"Invalid \"expire\": use seconds or a duration such as \"1h\" or \"7d\""}"#
                )
            }
        }
    }

    @Test("malformed JSON → 400 {\"status\":404,\"message\":<V8's parser message>} on any route, after the key check")
    func malformedJSON() async throws {
        try await F.app().test(.router) { client in
            let cases: [(String, String)] = [
                (#"{"room":"#, "Unexpected end of JSON input"),
                (#"{"room":"ab"#, "Unterminated string in JSON at position 11 (line 1 column 12)"),
                ("{", "Expected property name or '}' in JSON at position 1 (line 1 column 2)"),
                (#"{"a":1,}"#, "Expected double-quoted property name in JSON at position 7 (line 1 column 8)"),
                (#"{"a" 1}"#, "Expected ':' after property name in JSON at position 5 (line 1 column 6)"),
                (#"{"a":tru}"#, #"Unexpected token '}', "{"a":tru}" is not valid JSON"#),
                ("[1 2]", "Expected ',' or ']' after array element in JSON at position 3 (line 1 column 4)"),
                (#"{"a":1} x"#, "Unexpected non-whitespace character after JSON at position 8 (line 1 column 9)"),
                ("hello", #"Unexpected token 'h', "hello" is not valid JSON"#),
                (#""str""#, #"Unexpected token '"', ""str"" is not valid JSON"#),
            ]
            for (input, message) in cases {
                for headers in [
                    F.json, [.authorization: F.key, .contentType: "application/json; charset=utf-8"] as HTTPFields,
                ] {
                    try await client.execute(uri: "/api/v1/join", method: .post, headers: headers, body: F.body(input))
                    {
                        #expect($0.status == .badRequest, "\(input)")
                        let expected = JSONValue.object([("status", 404), ("message", .string(message))]).serialized
                        #expect($0.text == expected, "\(input)")
                    }
                }
            }
            try await client.execute(uri: "/api/v1/stats", method: .get, headers: F.json, body: F.body("{oops")) {
                #expect($0.status == .badRequest)
            }
            // Without the key the body is never read: 403, not the parser's 400.
            try await client.execute(
                uri: "/api/v1/join", method: .post, headers: [.contentType: "application/json"],
                body: F.body("{oops")
            ) {
                #expect($0.status == .forbidden)
                #expect($0.text == #"{"error":"Unauthorized!"}"#)
            }
        }
    }

    @Test("a body over http.max_body_bytes → 413 and nothing is created")
    func bodyTooLarge() async throws {
        var config = F.allOn
        config.http.maxBodyBytes = 64
        try await F.app(config: config).test(.router) { client in
            let big = #"{"room":"r","name":""# + String(repeating: "x", count: 100) + #""}"#
            try await client.execute(uri: "/api/v1/join", method: .post, headers: F.json, body: F.body(big)) {
                #expect($0.status == .contentTooLarge)
                #expect($0.text == #"{"status":413,"message":"request entity too large"}"#)
            }
        }
    }

    @Test(
        "/token: no body → {\"token\":\"\"}; {} → defaults username/password/presenter \"false\", lifetime jwt.expire")
    func tokenDefaults() async throws {
        var config = F.allOn
        config.jwt.expire = try #require(MsDuration("2h"))
        try await F.app(config: config).test(.router) { client in
            try await client.execute(uri: "/api/v1/token", method: .post, headers: F.auth) {
                #expect($0.status == .ok)
                #expect($0.text == #"{"token":""}"#)
            }
            let token = try await client.execute(
                uri: "/api/v1/token", method: .post, headers: F.json,
                body: F.body("{}")
            ) { response in
                #expect(response.status == .ok)
                return String(response.text.dropFirst(#"{"token":""#.count).dropLast(2))
            }
            let claims = try await MiroTalkTokenVerifier(secret: F.jwtSecret).verify(token)
            #expect(claims.username == "username" && claims.password == "password" && !claims.presenter)
            #expect(claims.expiresAt.timeIntervalSince(try #require(claims.issuedAt)) == 7200)
        }
    }

    @Test(
        "/token: presenter 'true' and true both mean presenter; expire number = seconds, '7d' via ms; bad expire → 400 (MiroTalk 500)"
    )
    func tokenFields() async throws {
        try await F.app().test(.router) { client in
            func token(_ json: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/api/v1/token", method: .post, headers: F.json, body: F.body(json)) {
                    ($0.status, String($0.text.dropFirst(#"{"token":""#.count).dropLast(2)))
                }
            }
            let verifier = MiroTalkTokenVerifier(secret: F.jwtSecret)
            for (json, lifetime) in [
                (#"{"presenter":"true","expire":90}"#, 90.0),
                (#"{"presenter":true,"expire":"7d"}"#, 604_800),
            ] {
                let (status, jwt) = try await token(json)
                #expect(status == .ok)
                let claims = try await verifier.verify(jwt)
                #expect(claims.presenter)
                #expect(claims.expiresAt.timeIntervalSince(try #require(claims.issuedAt)) == lifetime)
            }
            for bad in [#"{"expire":"soon"}"#, #"{"expire":1.5}"#, #"{"expire":true}"#] {
                let (status, _) = try await token(bad)
                #expect(status == .badRequest, "\(bad)")
            }
        }
    }

    @Test("invalid Host headers are refused by the link-making check; valid ones pass")
    func hostValidation() {
        for good in ["example.com", "example.com:3010", "127.0.0.1:8080", "[::1]:8080", "[fe80::1]", "my-host_1.local"]
        {
            #expect(MiroTalkLinks.isValidHostHeader(good), "\(good)")
        }
        for bad in [
            "", "exa mple.com", "evil.com/path", "a@b.com", "x.com:80a", "x.com:123456", "[::1", "<script>",
            "x.com#frag", "x.com?q", "\"q\"", "a%zz",
        ] {
            #expect(!MiroTalkLinks.isValidHostHeader(bad), "\(bad)")
        }
        #expect(MiroTalkLinks.base(publicURL: "", host: "h:1") == "https://h:1")
        #expect(MiroTalkLinks.base(publicURL: "", host: "bad host") == nil)
        #expect(MiroTalkLinks.base(publicURL: "", host: nil) == nil)
        #expect(MiroTalkLinks.base(publicURL: "https://p.example//", host: "bad host") == "https://p.example")
    }
}
