import Foundation

extension HTTPHygieneSuite {
    /// A request's bytes for the raw client; `close` asks the server to close after answering it.
    static func rawRequest(
        _ context: CaseContext, method: String, path: String, close: Bool, headers: [String] = [], body: String = ""
    ) -> String {
        var lines =
            ["\(method) \(context.target.basePath)\(path) HTTP/1.1", "Host: \(context.target.hostHeader)"] + headers
        if close { lines.append("Connection: close") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// Sends raw bytes and records them as one exchange (the last response shown).
    static func sendRaw(_ context: CaseContext, _ text: String, methods: [String]) async throws -> [HTTPResponse] {
        let started = Date()
        let result = await context.client.raw(Array(text.utf8), methods: methods)
        let last = try? result.get().last
        context.record(
            WireExchange(
                request: .init(
                    method: methods.joined(separator: "+"), url: context.target.absoluteURL("(raw)"), headers: [],
                    body: String(text.prefix(2000))),
                response: last.map {
                    .init(
                        status: $0.status, reason: $0.reason, headers: $0.headers, body: String($0.bodyText.prefix(300))
                    )
                },
                error: result.failureDescription, startedAt: started,
                durationMs: Date().timeIntervalSince(started) * 1000))
        switch result {
        case .success(let responses): return responses
        case .failure(let error):
            throw CaseStop.violated(expected: "\(methods.count) answers", observed: "no answer: \(error)")
        }
    }

    static func connectionCases() -> [ConformanceCase] {
        let persistence = SpecReference.rfc(9112, "9.3", "persistent connections are the default")
        let chunked = SpecReference.rfc(9112, "7.1", "a server MUST be able to parse chunked")
        return [
            ConformanceCase(
                id: "http/connection/keep-alive", title: "several requests on one connection are all answered",
                severity: .must, reference: persistence,
                requirement:
                    "Three GETs of the probe on one HTTP/1.1 connection (the last with Connection: close) get three answers, the first two not announcing Connection: close."
            ) { context in
                let path = try await getProbe(context)
                let text = (0..<3).map { rawRequest(context, method: "GET", path: path, close: $0 == 2) }.joined()
                let responses = try await sendRaw(context, text, methods: ["GET", "GET", "GET"])
                let closing = responses.prefix(2).filter {
                    ($0.header("Connection") ?? "").lowercased().contains("close")
                }
                try check(
                    responses.count == 3 && closing.isEmpty,
                    expected: "3 answers, the first two keeping the connection",
                    observed:
                        "\(responses.count): \(responses.map { "\($0.status) Connection: \($0.header("Connection") ?? "-")" })"
                )
                return .pass(observed: "\(responses.map(\.status))")
            },
            ConformanceCase(
                id: "http/connection/pipelining", title: "pipelined requests are answered in order",
                severity: .must, reference: SpecReference.rfc(9112, "9.3.2", "respond in the same order"),
                requirement:
                    "GET probe, GET an unknown path, HEAD probe written at once get three answers in that order."
            ) { context in
                let path = try await getProbe(context)
                let text =
                    rawRequest(context, method: "GET", path: path, close: false)
                    + rawRequest(context, method: "GET", path: "/conform-no-such-path", close: false)
                    + rawRequest(context, method: "HEAD", path: path, close: true)
                let responses = try await sendRaw(context, text, methods: ["GET", "GET", "HEAD"])
                try check(
                    responses.count == 3 && responses[0].status == responses[2].status,
                    expected: "3 answers, the first and last of the probe alike", observed: "\(responses.map(\.status))"
                )
                return .pass(observed: "\(responses.map(\.status))")
            },
            ConformanceCase(
                id: "http/connection/head-no-body", title: "HEAD answers like GET without a body",
                severity: .must, reference: SpecReference.rfc(9110, "9.3.2", "HEAD: no content"),
                requirement:
                    "HEAD then GET of the probe on one connection: the same status, and the HEAD answer sends no body (the GET still parses)."
            ) { context in
                let path = try await getProbe(context)
                let text =
                    rawRequest(context, method: "HEAD", path: path, close: false)
                    + rawRequest(context, method: "GET", path: path, close: true)
                let responses = try await sendRaw(context, text, methods: ["HEAD", "GET"])
                try check(
                    responses.count == 2 && responses[0].status == responses[1].status,
                    expected: "two answers with the same status", observed: "\(responses.map(\.status))")
                return .pass(observed: "\(responses.map(\.status))")
            },
            ConformanceCase(
                id: "http/connection/chunked-body", title: "a chunked request body is read like a sized one",
                severity: .must, reference: chunked,
                requirement:
                    "A JSON POST with Transfer-Encoding: chunked gets the same status as with Content-Length (never 411 or 5xx)."
            ) { context in
                let path = try await postProbe(context)
                let json = #"{"username":"conform-nobody","password":"conform-wrong"}"#
                let sized = try await context.send(
                    HTTPRequest(
                        method: "POST", path: path, headers: [HeaderField("Content-Type", "application/json")],
                        body: Array(json.utf8)))
                let half = json.index(json.startIndex, offsetBy: json.count / 2)
                let chunks =
                    [String(json[..<half]), String(json[half...])].map {
                        String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n"
                    }.joined() + "0\r\n\r\n"
                let text = rawRequest(
                    context, method: "POST", path: path, close: true,
                    headers: ["Content-Type: application/json", "Transfer-Encoding: chunked"], body: chunks)
                let responses = try await sendRaw(context, text, methods: ["POST"])
                try check(
                    responses.first?.status == sized.status, expected: "\(sized.status) as with Content-Length",
                    observed: "\(responses.first.map { "\($0.status) \($0.bodyText.prefix(120))" } ?? "none")")
                return .pass(observed: "\(sized.status) both ways")
            },
            ConformanceCase(
                id: "http/connection/chunked-malformed", title: "a broken chunk size is a client error",
                severity: .must, reference: chunked,
                requirement:
                    "A chunked body with chunk size 'zz' is answered 4xx (or the connection closed), never 2xx or 5xx."
            ) { context in
                let path = try await postProbe(context)
                let text = rawRequest(
                    context, method: "POST", path: path, close: true,
                    headers: ["Content-Type: application/json", "Transfer-Encoding: chunked"],
                    body: "zz\r\n{}\r\n0\r\n\r\n")
                let result = await context.client.raw(Array(text.utf8), methods: ["POST"])
                guard case .success(let responses) = result, let response = responses.first else {
                    return .pass(observed: "connection closed")
                }
                try check(
                    (400..<500).contains(response.status), expected: "4xx",
                    observed: "\(response.status) \(response.bodyText.prefix(120))")
                return .pass(observed: "\(response.status)")
            },
        ]
    }
}

extension Result {
    var failureDescription: String? {
        if case .failure(let error) = self { return "\(error)" }
        return nil
    }
}
