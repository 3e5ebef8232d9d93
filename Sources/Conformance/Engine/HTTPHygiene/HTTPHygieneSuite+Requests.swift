import Foundation

extension HTTPHygieneSuite {
    /// Text that betrays a stack trace or a server-side path in an answer body.
    static let internals = [
        "Traceback (most recent call last)", "goroutine ", "\n\tat ", "    at ", ".swift:", "Fatal error", "/home/",
        "/usr/src/", "/root/", "root:x:0:0", "node_modules", "Exception in thread", "panic:",
    ]

    static func leak(_ body: String) -> String? { internals.first { body.contains($0) } }

    /// A case sending one odd request: it must be answered, below 500 (or exactly `allowed`), with no internals.
    static func survives(
        _ id: String, _ title: String, reference: SpecReference, requirement: String, allowed: Set<Int> = [],
        closeIsAnswer: Bool = false, summary: String? = nil,
        request: @escaping @Sendable (CaseContext) async throws -> HTTPRequest
    ) -> ConformanceCase {
        ConformanceCase(id: "http/\(id)", title: title, severity: .must, reference: reference, requirement: requirement)
        { context in
            let (result, exchange) = await context.trySend(try await request(context))
            context.record(summary.map { exchange.summarisingRequestBody($0) } ?? exchange)
            switch result {
            case .failure(let error):
                if closeIsAnswer, case .closedEarly = error { return .pass(observed: "connection closed") }
                throw CaseStop.violated(expected: "an answer below 500", observed: "no answer: \(error)")
            case .success(let response):
                let observed = "\(response.status) \(response.bodyText.prefix(160))"
                try check(
                    response.status < 500 || allowed.contains(response.status), expected: "a status below 500",
                    observed: observed)
                if let marker = leak(response.bodyText) {
                    throw CaseStop.violated(
                        expected: "no stack trace or internal path",
                        observed: "body contains \"\(marker)\": \(observed)")
                }
                return .pass(observed: observed)
            }
        }
    }

    static func post(_ path: String, contentType: String?, _ body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: "POST", path: path, headers: contentType.map { [HeaderField("Content-Type", $0)] } ?? [], body: body
        )
    }

    static func bodyCases() -> [ConformanceCase] {
        let badRequest = SpecReference.rfc(9110, "15.5.1", "400 Bad Request: the client's error")
        return [
            survives(
                "body/malformed-json", "truncated JSON is a client error", reference: badRequest,
                requirement: "A truncated JSON body is answered 4xx, never 5xx, never with internals."
            ) { context in
                post(try await postProbe(context), contentType: "application/json", Array(#"{"username": "x"#.utf8))
            },
            survives(
                "body/json-not-object", "a JSON array where an object is expected is a client error",
                reference: badRequest,
                requirement: "A JSON array body is answered below 500."
            ) { context in post(try await postProbe(context), contentType: "application/json", Array("[1,2,3]".utf8)) },
            survives(
                "body/deep-nesting", "100 000 nested arrays do not crash the parser",
                reference: SpecReference.rfc(8259, "9", "implementations may limit nesting depth"),
                requirement: "A body of 100 000 '[' is answered below 500 (a depth limit, not a stack overflow).",
                summary: "[[[[… (100 000 nested arrays)"
            ) { context in
                post(
                    try await postProbe(context), contentType: "application/json",
                    Array(repeating: UInt8(ascii: "["), count: 100_000))
            },
            survives(
                "body/oversize", "a 4 MiB body is refused or closed, not a 5xx",
                reference: SpecReference.rfc(9110, "15.5.14", "413 Content Too Large"),
                requirement: "A 4 MiB JSON body is answered below 500 (413 expected) or the connection closed.",
                closeIsAnswer: true, summary: "{\"username\":\"xxx… (4 MiB)\"}"
            ) { context in
                post(
                    try await postProbe(context), contentType: "application/json",
                    Array(#"{"username":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
                        + Array(#""}"#.utf8))
            },
            survives(
                "body/wrong-content-type", "JSON sent as text/plain is handled",
                reference: SpecReference.rfc(9110, "15.5.16", "415 Unsupported Media Type"),
                requirement: "A JSON body under Content-Type: text/plain is answered below 500."
            ) { context in
                post(
                    try await postProbe(context), contentType: "text/plain",
                    Array(#"{"username":"x","password":"y"}"#.utf8))
            },
            survives(
                "body/no-content-type", "a body without Content-Type is handled",
                reference: SpecReference.rfc(9110, "8.3", "Content-Type may be absent"),
                requirement: "A JSON body without Content-Type is answered below 500."
            ) { context in
                post(try await postProbe(context), contentType: nil, Array(#"{"username":"x","password":"y"}"#.utf8))
            },
            survives(
                "body/invalid-utf8", "invalid UTF-8 inside a JSON string is a client error",
                reference: SpecReference.rfc(8259, "8.1", "JSON text is UTF-8"),
                requirement: "A JSON body with bytes FF FE inside a string is answered below 500."
            ) { context in
                post(
                    try await postProbe(context), contentType: "application/json",
                    Array(#"{"username":""#.utf8) + [0xFF, 0xFE] + Array(#"","password":"y"}"#.utf8))
            },
            survives(
                "method/unknown", "a method the API does not implement is refused, not a crash",
                reference: SpecReference.rfc(9110, "15.6.2", "501 Not Implemented for an unrecognised method"),
                requirement: "A request with method PROPFIND (WebDAV, RFC 4918 §9.1) is answered 4xx or 501.",
                allowed: [501]
            ) { context in HTTPRequest(method: "PROPFIND", path: try await getProbe(context)) },
            survives(
                "method/options-plain", "OPTIONS without a CORS request is answered",
                reference: SpecReference.rfc(9110, "9.3.7", "OPTIONS"),
                requirement: "OPTIONS with no Access-Control-Request-Method is answered below 500."
            ) { context in HTTPRequest(method: "OPTIONS", path: try await getProbe(context)) },
        ]
    }

    static func pathCases() -> [ConformanceCase] {
        let uri = SpecReference.rfc(3986, "2.1", "percent-encoding")
        return [
            survives(
                "path/encoded-dot-segments", "encoded ../ segments do not escape",
                reference: SpecReference.rfc(3986, "5.2.4", "remove dot segments"),
                requirement:
                    "GET /api/%2e%2e/%2e%2e/%2e%2e/etc/passwd is answered below 500 and never with a password file."
            ) { _ in HTTPRequest(method: "GET", path: "/api/%2e%2e/%2e%2e/%2e%2e/etc/passwd") },
            survives(
                "path/nul-byte", "an encoded NUL in the path is handled", reference: uri,
                requirement: "GET /api/streams%00 is answered below 500."
            ) { _ in HTTPRequest(method: "GET", path: "/api/streams%00") },
            survives(
                "path/bad-percent", "an invalid percent-escape is handled", reference: uri,
                requirement: "GET /api/%zz%e is answered below 500."
            ) { _ in HTTPRequest(method: "GET", path: "/api/%zz%e") },
            survives(
                "path/invalid-utf8", "percent-encoded invalid UTF-8 is handled",
                reference: SpecReference.rfc(3986, "2.5", "UTF-8 in URIs"),
                requirement: "GET /api/%ff%fe%fd is answered below 500."
            ) { _ in HTTPRequest(method: "GET", path: "/api/%ff%fe%fd") },
            survives(
                "path/long", "a 16 KiB path is refused or served, not a 5xx",
                reference: SpecReference.rfc(9110, "15.5.15", "414 URI Too Long"),
                requirement:
                    "A 16 KiB request target is answered below 500 (414, 431, 400 or 404) or the connection closed.",
                closeIsAnswer: true
            ) { _ in HTTPRequest(method: "GET", path: "/api/" + String(repeating: "a", count: 16 << 10)) },
            survives(
                "path/query-oddities", "a query with odd characters is handled",
                reference: SpecReference.rfc(3986, "3.4", "query"),
                requirement: "GET probe?a=%&b=%zz&&=&c is answered below 500."
            ) { context in HTTPRequest(method: "GET", path: try await getProbe(context) + "?a=%&b=%zz&&=&c") },
        ]
    }
}
