import Foundation

/// The `http` profile, for any target: CORS as browsers need it (https://fetch.spec.whatwg.org/#http-cors-protocol)
/// and HTTP hygiene — odd bodies, methods, paths and connection use are answered, never with a 5xx or internals.
public enum HTTPHygieneSuite {
    static let fetchCORS = "https://fetch.spec.whatwg.org/#http-cors-protocol"
    static let foreignOrigin = "https://conform-foreign.invalid"

    public static func cases() -> [ConformanceCase] { corsCases() + bodyCases() + pathCases() + connectionCases() }

    /// A GET route the target answers (any status but 404), found once per run.
    static func getProbe(_ context: CaseContext) async throws(CaseStop) -> String {
        let found: String? = await context.memo.value("http.get-probe") {
            for path in ["/api/streams", "/api/v1/stats", "/healthz", "/"] {
                let (result, _) = await context.trySend(HTTPRequest(method: "GET", path: path))
                if case .success(let response) = result, response.status != 404 { return path }
            }
            return nil
        }
        guard let found else { throw .skip("the target answers none of /api/streams, /api/v1/stats, /healthz, /") }
        return found
    }

    /// A route that takes a JSON POST body (any status but 404/405), found once per run.
    static func postProbe(_ context: CaseContext) async throws(CaseStop) -> String {
        let found: String? = await context.memo.value("http.post-probe") {
            for path in ["/api/login", "/api/auth/login", "/api/v1/join"] {
                let (result, _) = await context.trySend(HTTPRequest(method: "POST", path: path, json: .object([])))
                if case .success(let response) = result, ![404, 405].contains(response.status) { return path }
            }
            return nil
        }
        guard let found else {
            throw .skip("the target has none of /api/login, /api/auth/login, /api/v1/join for POST")
        }
        return found
    }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }

    static func corsSummary(_ response: HTTPResponse) -> String {
        let names = [
            "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
            "Access-Control-Allow-Headers", "Vary",
        ]
        return "\(response.status) "
            + names.compactMap { name in response.header(name).map { "\(name): \($0)" } }
            .joined(separator: "; ")
    }

    static func listed(_ header: String?, _ wanted: String) -> Bool {
        (header ?? "").split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces).lowercased() == wanted.lowercased()
        }
    }

    static func corsCases() -> [ConformanceCase] {
        let cors = SpecReference(fetchCORS, "CORS protocol: Access-Control-Allow-Origin")
        let credentials = SpecReference(
            "https://fetch.spec.whatwg.org/#cors-protocol-and-credentials", "no * with credentials")
        @Sendable func withOrigin(_ context: CaseContext, _ origin: String) async throws -> HTTPResponse {
            try await context.send(
                HTTPRequest(method: "GET", path: try await getProbe(context), headers: [HeaderField("Origin", origin)]))
        }
        @Sendable func preflight(_ context: CaseContext, path: String, method: String, headers: String) async throws
            -> HTTPResponse
        {
            try await context.send(
                HTTPRequest(
                    method: "OPTIONS", path: path,
                    headers: [
                        HeaderField("Origin", context.options.origin),
                        HeaderField("Access-Control-Request-Method", method),
                        HeaderField("Access-Control-Request-Headers", headers),
                    ]))
        }
        return [
            ConformanceCase(
                id: "http/cors/allowed-origin", title: "an allowed Origin gets Access-Control-Allow-Origin",
                severity: .must, reference: cors,
                requirement:
                    "A request with Origin: --origin is answered with Access-Control-Allow-Origin equal to it or *."
            ) { context in
                let response = try await withOrigin(context, context.options.origin)
                let value = response.header("Access-Control-Allow-Origin")
                try check(
                    value == context.options.origin || value == "*",
                    expected: "Access-Control-Allow-Origin: \(context.options.origin) or *",
                    observed: corsSummary(response))
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/no-wildcard-with-credentials", title: "never * together with Allow-Credentials: true",
                severity: .must, reference: credentials,
                requirement:
                    "Access-Control-Allow-Origin: * is never sent with Access-Control-Allow-Credentials: true (browsers reject it)."
            ) { context in
                let response = try await withOrigin(context, context.options.origin)
                let wildcard = response.header("Access-Control-Allow-Origin") == "*"
                let withCredentials = response.header("Access-Control-Allow-Credentials")?.lowercased() == "true"
                try check(
                    !(wildcard && withCredentials), expected: "not * with credentials", observed: corsSummary(response))
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/vary-origin", title: "an echoed Origin comes with Vary: Origin",
                severity: .should,
                reference: SpecReference(
                    "https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches", "Vary: Origin"),
                requirement:
                    "When Access-Control-Allow-Origin echoes the request's Origin, Vary names Origin so caches keep answers apart."
            ) { context in
                let response = try await withOrigin(context, context.options.origin)
                if response.header("Access-Control-Allow-Origin") == context.options.origin {
                    try check(
                        listed(response.header("Vary"), "Origin"), expected: "Vary: Origin",
                        observed: corsSummary(response))
                }
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/foreign-origin-not-echoed", title: "a foreign Origin is not echoed with credentials",
                severity: .should, reference: credentials,
                requirement:
                    "An Origin other than --origin is not reflected together with Allow-Credentials: true (reflecting any origin with credentials lets every site act as the user)."
            ) { context in
                let response = try await withOrigin(context, foreignOrigin)
                let reflected = response.header("Access-Control-Allow-Origin") == foreignOrigin
                let withCredentials = response.header("Access-Control-Allow-Credentials")?.lowercased() == "true"
                try check(
                    !(reflected && withCredentials), expected: "\(foreignOrigin) not echoed with credentials",
                    observed: corsSummary(response))
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/error-answers-readable", title: "error answers carry CORS headers too",
                severity: .should, reference: cors,
                requirement:
                    "A 4xx answer to a request with an allowed Origin still has Access-Control-Allow-Origin, so a browser client can read the error."
            ) { context in
                let response = try await context.send(
                    HTTPRequest(
                        method: "GET", path: "/api/conform-no-such-route",
                        headers: [HeaderField("Origin", context.options.origin)]))
                let value = response.header("Access-Control-Allow-Origin")
                try check(
                    response.status < 400 || value == context.options.origin || value == "*",
                    expected: "Access-Control-Allow-Origin on the \(response.status)", observed: corsSummary(response))
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/preflight-get",
                title: "a preflight for GET with Authorization succeeds without credentials",
                severity: .must,
                reference: SpecReference(
                    "https://fetch.spec.whatwg.org/#cors-preflight-fetch", "preflight: ok status, no credentials"),
                requirement:
                    "OPTIONS with Origin, Access-Control-Request-Method: GET and -Headers: authorization is 2xx with Allow-Origin and Allow-Methods covering GET."
            ) { context in
                let response = try await preflight(
                    context, path: try await getProbe(context), method: "GET", headers: "authorization")
                let origin = response.header("Access-Control-Allow-Origin")
                try check(
                    (200..<300).contains(response.status) && (origin == context.options.origin || origin == "*")
                        && (listed(response.header("Access-Control-Allow-Methods"), "GET")
                            || response.header("Access-Control-Allow-Methods") == "*"),
                    expected: "2xx, Allow-Origin, Allow-Methods ∋ GET", observed: corsSummary(response))
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/preflight-authorization-named",
                title: "Allow-Headers names Authorization, never a bare *",
                severity: .must,
                reference: SpecReference(
                    "https://fetch.spec.whatwg.org/#cors-preflight-fetch", "* does not cover Authorization"),
                requirement:
                    "The preflight's Access-Control-Allow-Headers lists authorization by name: a bare * never covers Authorization."
            ) { context in
                let response = try await preflight(
                    context, path: try await getProbe(context), method: "GET", headers: "authorization")
                try check(
                    listed(response.header("Access-Control-Allow-Headers"), "authorization"),
                    expected: "Access-Control-Allow-Headers ∋ authorization", observed: corsSummary(response))
                return .pass(observed: corsSummary(response))
            },
            ConformanceCase(
                id: "http/cors/preflight-post-json", title: "a preflight for a JSON POST succeeds",
                severity: .must,
                reference: SpecReference(
                    "https://fetch.spec.whatwg.org/#cors-preflight-fetch",
                    "preflight for POST with Content-Type: application/json"),
                requirement:
                    "OPTIONS for a POST route with -Headers: content-type, authorization is 2xx, Allow-Methods ∋ POST, Allow-Headers ∋ content-type."
            ) { context in
                let response = try await preflight(
                    context, path: try await postProbe(context), method: "POST", headers: "content-type,authorization")
                try check(
                    (200..<300).contains(response.status)
                        && (listed(response.header("Access-Control-Allow-Methods"), "POST")
                            || response.header("Access-Control-Allow-Methods") == "*")
                        && (listed(response.header("Access-Control-Allow-Headers"), "content-type")),
                    expected: "2xx, Allow-Methods ∋ POST, Allow-Headers ∋ content-type", observed: corsSummary(response)
                )
                return .pass(observed: corsSummary(response))
            },
        ]
    }
}
