import Hummingbird
import HummingbirdTesting
import ParleyConfig
import ParleyHTTP
import Testing

@Suite("CORS")
struct MonibucaCORSTests {
    static let listed = "https://app.example"
    static let unlisted = "https://evil.example"

    static func withOrigins(_ origins: [String], cors: Bool = true) -> ParleyConfig {
        MonibucaFixture.config {
            $0.http.corsOrigins = origins
            $0.http.cors = cors
        }
    }

    func expectV5HeaderSet(_ headers: HTTPFields, origin: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(headers[.accessControlAllowOrigin] == origin, sourceLocation: sourceLocation)
        #expect(headers[.accessControlAllowCredentials] == "true", sourceLocation: sourceLocation)
        #expect(headers[.accessControlAllowMethods]?.contains("GET,POST,PUT") == true, sourceLocation: sourceLocation)
        #expect(
            headers[.accessControlAllowHeaders]?.contains("Content-Type,Access-Token,Authorization") == true,
            sourceLocation: sourceLocation)
        #expect(headers[.crossOriginResourcePolicy] == "cross-origin", sourceLocation: sourceLocation)
        #expect(headers[.accessControlAllowPrivateNetwork] == "true", sourceLocation: sourceLocation)
        #expect(headers[.accessControlExposeHeaders]?.contains("New-Token") == true, sourceLocation: sourceLocation)
    }

    @Test("empty list: the request Origin is echoed on success, on 401, on 404 and on other faces' routes")
    func emptyListEchoes() async throws {
        let origin = "http://localhost:3000"
        try await MonibucaFixture.withRouter(Self.withOrigins([])) { client in
            for (uri, status) in [
                ("/api/openapi.yaml", nil), ("/api/streams", HTTPResponse.Status.unauthorized),
                ("/api/nothing", .unauthorized), ("/healthz", .ok), ("/api/v1/fail", .forbidden),
                ("/no/such/route", .notFound),
            ] as [(String, HTTPResponse.Status?)] {
                try await client.execute(uri: uri, method: .get, headers: [.origin: origin]) { response in
                    if let status { #expect(response.status == status, "\(uri)") }
                    expectV5HeaderSet(response.headers, origin: origin)
                    #expect(response.headers[values: .vary].contains("Origin"))
                }
            }
        }
    }

    @Test("no Origin: v5's '*' with an empty list; nothing to echo with a list")
    func noOrigin() async throws {
        try await MonibucaFixture.withRouter(Self.withOrigins([])) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                expectV5HeaderSet(response.headers, origin: "*")
            }
        }
        try await MonibucaFixture.withRouter(Self.withOrigins([Self.listed])) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[values: .vary].contains("Origin"))
            }
        }
    }

    @Test("with a list: a listed origin is echoed with Vary: Origin, an unlisted one gets no Allow-Origin at all")
    func listedAndUnlisted() async throws {
        try await MonibucaFixture.withRouter(Self.withOrigins([Self.listed + "/", "http://other.example"])) { client in
            let token = try await MonibucaFixture.token()
            var headers = MonibucaFixture.bearer(token)
            headers[.origin] = Self.listed
            try await client.execute(uri: "/api/streams", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                expectV5HeaderSet(response.headers, origin: Self.listed)
                #expect(response.headers[values: .vary].contains("Origin"))
            }
            headers[.origin] = Self.unlisted
            try await client.execute(uri: "/api/streams", method: .get, headers: headers) { response in
                #expect(response.status == .ok) // CORS is the browser's call; the server only withholds the grant
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.accessControlAllowCredentials] == nil)
                #expect(response.headers[values: .vary].contains("Origin"))
            }
        }
    }

    @Test("a preflight is answered before auth and handler, with methods, headers and Max-Age")
    func preflight() async throws {
        try await MonibucaFixture.withRouter(Self.withOrigins([Self.listed])) { client in
            let request: HTTPFields = [
                .origin: Self.listed, .accessControlRequestMethod: "GET",
                .accessControlRequestHeaders: "authorization",
            ]
            for uri in ["/api/streams", "/api/secret/publish/live/a", "/api/v1/stats", "/no/such/route"] {
                try await client.execute(uri: uri, method: .options, headers: request) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes == 0)
                    expectV5HeaderSet(response.headers, origin: Self.listed)
                    #expect(response.headers[.accessControlMaxAge] == CORSPolicy.maxAge)
                }
            }
            var unlisted = request
            unlisted[.origin] = Self.unlisted
            try await client.execute(uri: "/api/streams", method: .options, headers: unlisted) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.accessControlAllowMethods] == nil)
            }
            // An OPTIONS without Access-Control-Request-Method is not a preflight: it reaches its route.
            try await client.execute(uri: "/webrtc/whip/live/cam", method: .options, headers: [.origin: Self.listed]) {
                response in
                #expect(response.status == .noContent)
                #expect(response.headers[.allow] == "OPTIONS, POST")
                #expect(response.headers[.accessControlAllowOrigin] == Self.listed)
            }
        }
    }

    @Test("http.cors false: no CORS header anywhere and a preflight goes to routing (here: a 401)")
    func corsDisabled() async throws {
        try await MonibucaFixture.withRouter(Self.withOrigins([], cors: false)) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [.origin: Self.listed]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.crossOriginResourcePolicy] == nil)
                #expect(response.headers[values: .vary].isEmpty)
            }
            try await client.execute(
                uri: "/api/streams", method: .options,
                headers: [.origin: Self.listed, .accessControlRequestMethod: "GET"]
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test("'*' in the list echoes any origin")
    func wildcardEntry() {
        let policy = CORSPolicy(enabled: true, origins: ["*"])
        #expect(policy.allowedOrigin(for: Self.unlisted) == Self.unlisted)
        #expect(
            CORSPolicy(enabled: true, origins: [Self.listed]).allowedOrigin(for: "HTTPS://APP.EXAMPLE")
                == "HTTPS://APP.EXAMPLE")
        #expect(CORSPolicy(enabled: false, origins: []).allowedOrigin(for: Self.listed) == nil)
    }
}
