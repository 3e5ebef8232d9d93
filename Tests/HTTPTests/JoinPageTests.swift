import Fixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ParleyConfig
@testable import ParleyHTTP
import ParleyRooms
import ParleyStore
import Testing

@Suite("Join page: /, /join, /join/{room}, /assets")
struct JoinPageTests {
    typealias F = MiroTalkFixture

    /// The page files as they are in the source tree, so these tests do not depend on where the bundle landed.
    static let sourceWebDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Server/HTTP/JoinPage/Web").path

    static func app(clock: ManualClock = ManualClock(), webDirectory: String = sourceWebDirectory) throws
        -> some ApplicationProtocol
    {
        let services = ParleyServices(
            config: F.allOn, rooms: InMemoryRoomDirectory(clock: clock), database: try ParleyDatabase.inMemory(),
            secrets: ResolvedSecrets(apiKeySecret: F.key, jwtSecret: F.jwtSecret, authSecret: "test-auth-secret"),
            metrics: ParleyMetrics.registry, clock: clock, logger: Logger(label: "test"))
        return Application(
            router: ParleyServer.makeRouter(
                services: services,
                faces: [
                    MonibucaCoreFace(), MiroTalkFace(),
                    JoinPageFace(locator: WebAssetLocator(candidates: [webDirectory])),
                ]))
    }

    func token(_ client: some TestClientProtocol, expire: String) async throws -> String {
        try await client.execute(
            uri: "/api/v1/token", method: .post, headers: F.json,
            body: F.body(#"{"username":"ann","password":"pw","presenter":true,"expire":"\#(expire)"}"#)
        ) { response in
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
            return try #require(object?["token"])
        }
    }

    @Test("/ is the landing page: HTML with links to the API docs, health and metrics, and a new-meeting button")
    func landing() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"))
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[.cacheControl] == "no-cache")
                for needle in ["/api/v1/docs", "/healthz", "/metrics", "New meeting", "/assets/landing.js"] {
                    #expect(response.text.contains(needle), "\(needle)")
                }
            }
        }
    }

    @Test("/join/{room} and /join?room=… serve the meeting page; a bad room name is 400 in HTML, never the envelope")
    func joinRoutes() async throws {
        try await Self.app().test(.router) { client in
            for uri in ["/join/team.sync", "/join?room=team.sync&name=Ann&audio=true", "/join?room=random&name=x"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.text.contains("/assets/join.js"), "\(uri)")
                }
            }
            for uri in [
                "/join/bad%20room", "/join?room=a%2Fb&name=x", "/join?room=\(String(repeating: "r", count: 65))",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.text.contains("No such room"), "\(uri)")
                }
            }
            try await client.execute(uri: "/join", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/")
            }
        }
    }

    @Test("/join?token=: a valid token passes, an expired, forged or garbled one is 401 with a sentence saying so")
    func joinToken() async throws {
        let clock = ManualClock()
        try await Self.app(clock: clock).test(.router) { client in
            let valid = try await token(client, expire: "1h")
            try await client.execute(uri: "/join?room=r1&name=Ann&token=\(valid)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/assets/join.js"))
            }
            let forged = valid.dropLast(2) + (valid.hasSuffix("AA") ? "BB" : "AA")
            for (uri, words) in [
                ("/join?room=r1&token=\(forged)", "not valid (bad signature)"),
                ("/join?room=r1&token=abc", "not valid (malformed)"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.text.contains(words), "\(response.text)")
                }
            }
            // The refusal names the token's own `alg`: escaped, so a token cannot write markup into the page.
            let header = Data(#"{"alg":"<b>x","typ":"JWT"}"#.utf8).base64EncodedString()
                .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
            try await client.execute(uri: "/join?room=r1&token=\(header).e30.c2ln", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("algorithm &lt;b&gt;x is not accepted"), "\(response.text)")
                #expect(!response.text.contains("<b>x"))
            }
            clock.advance(seconds: 3601)
            try await client.execute(uri: "/join?room=r1&name=Ann&token=\(valid)", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("has expired"), "\(response.text)")
            }
        }
    }

    @Test("/assets: modules as text/javascript, the stylesheet as text/css, ETag revalidation, nothing else served")
    func assets() async throws {
        try await Self.app().test(.router) { client in
            let etag = try await client.execute(uri: "/assets/join.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/assets/join.js", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/assets/parley.css", method: .get) { response in
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
            for uri in ["/assets/missing.js", "/assets/join.html", "/assets/..%2FJoinPageFace.swift"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(uri)")
                }
            }
        }
    }

    @Test("without its files the page routes answer 503 and say why; the APIs are unaffected")
    func missingFiles() async throws {
        try await Self.app(webDirectory: "/nonexistent-parley-web").test(.router) { client in
            try await client.execute(uri: "/join/r1", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("without its web page files"))
            }
            try await client.execute(uri: "/api/v1/meeting", method: .post, headers: F.auth) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("the built server finds its page in the resource bundle beside the executable")
    func bundleLocated() throws {
        let bundled = try #require(
            WebAssetLocator.fromEnvironment().candidates.first { $0.hasSuffix("parley_ParleyHTTP.resources/Web") })
        #expect(FileManager.default.isReadableFile(atPath: bundled + "/join.js"), "\(bundled)")
    }
}
