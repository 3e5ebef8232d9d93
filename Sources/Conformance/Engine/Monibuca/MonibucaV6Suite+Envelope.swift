import Foundation

extension MonibucaV6Suite {
    static func envelopeCases() -> [ConformanceCase] {
        let envelope = MonibucaReference.v6("§Unified response format: {code, message, data}, code 0 = success")
        let errors = MonibucaReference.contract("Monibuca envelope", "failure is HTTP N with code N")
        return [
            ConformanceCase(
                id: "monibuca-v6/envelope/success-shape", title: "a success is 200 {code: 0, message, data}",
                severity: .must, reference: envelope,
                requirement: "GET /api/streams with a valid token answers 200 with code 0, a string message and data."
            ) { context in
                let token = try await token(context)
                let body = try await expectEnvelope(context, get(guardedPath, token: token), status: 200)
                try check(body["data"] != nil, expected: "a data member", observed: body.compactText)
                return .pass(observed: body.compactText.prefix(200).description)
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/content-type-json", title: "the envelope is served as application/json",
                severity: .should, reference: SpecReference.rfc(8259, "11", "application/json"),
                requirement: "Envelope answers carry Content-Type: application/json so clients parse them as JSON."
            ) { context in
                let token = try await token(context)
                let response = try await context.send(get(guardedPath, token: token))
                let type = response.header("Content-Type") ?? ""
                try check(
                    type.lowercased().hasPrefix("application/json"), expected: "Content-Type: application/json",
                    observed: "\(response.status) Content-Type: \(type)")
                return .pass(observed: type)
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/not-found-api", title: "an unknown /api route is 404 with code 404",
                severity: .must, reference: errors,
                requirement: "GET /api/<unknown> with a valid token answers 404 {code: 404, message}."
            ) { context in
                let token = try await token(context)
                try await expectEnvelope(context, get("/api/conform-no-such-route", token: token), status: 404)
                return .pass(observed: "404 envelope")
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/not-found-nested", title: "an unknown nested /api path is 404 with code 404",
                severity: .must, reference: errors,
                requirement:
                    "GET /api/stream-nothing/a/b with a valid token answers 404 {code: 404, message}, never 500."
            ) { context in
                let token = try await token(context)
                try await expectEnvelope(
                    context, get("/api/conform-nothing/deeper/path", token: token), status: 404)
                return .pass(observed: "404 envelope")
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/method-not-allowed",
                title: "another method on a known path is 405 with code 405",
                severity: .must, reference: SpecReference.rfc(9110, "15.5.6", "405 Method Not Allowed"),
                requirement:
                    "DELETE /api/streams (a GET route) answers 405 {code: 405, message}, as Go's method-aware router does."
            ) { context in
                let token = try await token(context)
                try await expectEnvelope(
                    context, HTTPRequest(method: "DELETE", path: guardedPath, headers: bearer(token)), status: 405)
                return .pass(observed: "405 envelope")
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/allow-header", title: "the 405 lists the allowed methods in Allow",
                severity: .must, reference: SpecReference.rfc(9110, "15.5.6", "the origin server MUST generate Allow"),
                requirement:
                    "A 405 carries Allow naming the methods the path supports (GET for /api/streams, POST for /api/login)."
            ) { context in
                let token = try await token(context)
                var seen: [String] = []
                for (method, path, wanted) in [("DELETE", guardedPath, "GET"), ("GET", "/api/login", "POST")] {
                    let response = try await context.send(
                        HTTPRequest(method: method, path: path, headers: bearer(token)))
                    let allow = response.header("Allow") ?? ""
                    let methods = allow.split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces).uppercased()
                    }
                    try check(
                        response.status == 405 && methods.contains(wanted),
                        expected: "405 with Allow containing \(wanted) for \(method) \(path)",
                        observed: "\(response.status) Allow: \(allow)")
                    seen.append("\(path): \(allow)")
                }
                return .pass(observed: seen.joined(separator: "; "))
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/bad-json-400", title: "a body that is not JSON is 400 with code 400",
                severity: .must, reference: MonibucaReference.v6("§Status codes: 400 bad parameters"),
                requirement: "POST /api/login with a truncated JSON body answers 400 {code: 400, message}."
            ) { context in
                let request = HTTPRequest(
                    method: "POST", path: "/api/login", headers: [HeaderField("Content-Type", "application/json")],
                    body: Array(#"{"username": "conform""#.utf8))
                try await expectEnvelope(context, request, status: 400)
                return .pass(observed: "400 envelope")
            },
            ConformanceCase(
                id: "monibuca-v6/envelope/oversize-413", title: "an oversize body is 413 with code 413",
                severity: .should, reference: SpecReference.rfc(9110, "15.5.14", "413 Content Too Large"),
                requirement:
                    "A 4 MiB login body is refused 413 {code: 413, message} (or the connection closed), never 2xx or 500."
            ) { context in
                // Built as bytes: escaping a 4 MiB string through JSONValue costs seconds in a debug build.
                let body =
                    Array(#"{"username":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
                    + Array(#"","password":"x"}"#.utf8)
                let request = HTTPRequest(
                    method: "POST", path: "/api/login", headers: [HeaderField("Content-Type", "application/json")],
                    body: body)
                let (result, exchange) = await context.trySend(request)
                context.record(exchange.summarisingRequestBody("{\"username\":\"xxx… (4 MiB)\",\"password\":\"x\"}"))
                guard case .success(let response) = result else {
                    return .pass(observed: "connection closed without an answer")
                }
                if let problem = envelopeProblem(response, status: 413) {
                    throw CaseStop.violated(expected: "413 {code: 413, message}", observed: problem)
                }
                return .pass(observed: "413 envelope")
            },
        ]
    }
}

extension WireExchange {
    /// The same exchange with a huge request body replaced by a short description, so reports stay small.
    func summarisingRequestBody(_ summary: String) -> WireExchange {
        WireExchange(
            request: .init(method: request.method, url: request.url, headers: request.headers, body: summary),
            response: response.map {
                .init(status: $0.status, reason: $0.reason, headers: $0.headers, body: String($0.body.prefix(300)))
            },
            error: error, startedAt: startedAt, durationMs: durationMs)
    }
}
