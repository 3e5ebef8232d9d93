import Foundation

extension MiroTalkSuite {
    static func meetingCases() -> [ConformanceCase] {
        let reference = MiroTalkUpstream.serverAPI(line: 102, "getMeetingURL")
        @Sendable func meetingURL(_ context: CaseContext) async throws -> String {
            try await MiroTalkRoutes.requireEnabled(.meeting, context)
            let body = try await expectJSON(context, try keyed(context, "POST", "/api/v1/meeting", json: .object([])))
            guard let url = body["meeting"]?.stringValue else {
                throw CaseStop.violated(expected: "{\"meeting\": <string>}", observed: body.compactText)
            }
            return url
        }
        return [
            ConformanceCase(
                id: "mirotalk/meeting/url-shape", title: "meeting URL is https://<Host>/join/<uuid v4>",
                severity: .must, reference: reference,
                requirement:
                    "The URL is https:// + the request's Host header (port included) + /join/ + a UUID v4, whatever the request scheme."
            ) { context in
                let url = try await meetingURL(context)
                let host = NSRegularExpression.escapedPattern(for: context.target.hostHeader)
                let pattern =
                    "^https://\(host)/join/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
                try check(
                    url.range(of: pattern, options: .regularExpression) != nil, expected: "/\(pattern)/", observed: url)
                return .pass(observed: url)
            },
            ConformanceCase(
                id: "mirotalk/meeting/fresh-uuid", title: "every call makes a new meeting id",
                severity: .must, reference: reference,
                requirement: "Each POST /api/v1/meeting uses a fresh uuidv4()."
            ) { context in
                let first = try await meetingURL(context), second = try await meetingURL(context)
                try check(first != second, expected: "two different URLs", observed: "both \(first)")
                return .pass(observed: "\(first) then \(second)")
            },
        ]
    }

    static func httpCases(documents: SpecDocuments) -> [ConformanceCase] {
        let corsReference = MiroTalkUpstream.server(line: 293, "corsOptions: origin '*', methods GET, POST")
        return [
            ConformanceCase(
                id: "mirotalk/cors/preflight", title: "a CORS preflight to /api/v1/join succeeds without a key",
                severity: .must, reference: corsReference,
                requirement:
                    "OPTIONS with Origin and Access-Control-Request-Method: POST is answered 2xx with Access-Control-Allow-Origin (* or the origin), Allow-Methods covering POST and Allow-Headers covering authorization; no key needed (browsers send none)."
            ) { context in
                let origin = context.options.origin
                let response = try await context.send(
                    HTTPRequest(
                        method: "OPTIONS", path: "/api/v1/join",
                        headers: [
                            HeaderField("Origin", origin), HeaderField("Access-Control-Request-Method", "POST"),
                            HeaderField("Access-Control-Request-Headers", "authorization,content-type"),
                        ]))
                let allowOrigin = response.header("Access-Control-Allow-Origin")
                let methods = response.header("Access-Control-Allow-Methods")?.uppercased() ?? ""
                let headers = response.header("Access-Control-Allow-Headers")?.lowercased() ?? ""
                let observed = "\(response.status) ACAO=\(allowOrigin ?? "-") ACAM=\(methods) ACAH=\(headers)"
                try check((200..<300).contains(response.status), expected: "2xx (upstream 204)", observed: observed)
                try check(
                    allowOrigin == "*" || allowOrigin == origin,
                    expected: "Access-Control-Allow-Origin: * or \(origin)", observed: observed)
                try check(
                    methods.contains("POST") || methods == "*", expected: "Access-Control-Allow-Methods covering POST",
                    observed: observed)
                try check(
                    headers.contains("authorization") || headers == "*",
                    expected: "Access-Control-Allow-Headers covering authorization", observed: observed)
                return .pass(observed: observed)
            },
            ConformanceCase(
                id: "mirotalk/cors/allow-origin", title: "API answers carry Access-Control-Allow-Origin",
                severity: .must, reference: corsReference,
                requirement:
                    "A request with an Origin header gets Access-Control-Allow-Origin: * (or the origin echoed) so browser clients can read the answer."
            ) { context in
                var headers = [HeaderField("Origin", context.options.origin)]
                if let key = context.options.apiKey { headers.append(HeaderField("authorization", key)) }
                let response = try await context.send(
                    HTTPRequest(method: "GET", path: "/api/v1/stats", headers: headers))
                let value = response.header("Access-Control-Allow-Origin")
                try check(
                    value == "*" || value == context.options.origin,
                    expected: "Access-Control-Allow-Origin: * or \(context.options.origin)",
                    observed:
                        "\(response.status) \(value.map { "Access-Control-Allow-Origin: \($0)" } ?? "no Access-Control-Allow-Origin")"
                )
                return .pass(observed: "Access-Control-Allow-Origin: \(value ?? "")")
            },
            ConformanceCase(
                id: "mirotalk/http/malformed-json-400", title: "malformed JSON is refused with 400",
                severity: .must, reference: MiroTalkUpstream.server(line: 682, "body-parser error handler: 400"),
                requirement:
                    "A body that is not JSON under Content-Type: application/json is answered 400 (never 2xx or 500)."
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.join, context)
                var request = try keyed(
                    context, "POST", "/api/v1/join", extra: [HeaderField("Content-Type", "application/json")])
                request.body = Array(#"{"room": "broken"#.utf8)
                let response = try await context.send(request)
                try check(
                    response.status == 400, expected: "400",
                    observed: "\(response.status) \(response.bodyText.prefix(200))")
                return .pass(observed: "\(response.status) \(response.bodyText.prefix(200))")
            },
            ConformanceCase(
                id: "mirotalk/http/malformed-json-body", title: "the 400 for malformed JSON is {status, message}",
                severity: .should, reference: SpecReference("spec/mirotalk-v1.yaml#getJoinURL", "400 MalformedBody"),
                requirement:
                    "The body is a JSON object {\"status\": <int>, \"message\": <string>} (upstream puts 404 in status; Parley 400); both fit."
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.join, context)
                var request = try keyed(
                    context, "POST", "/api/v1/join", extra: [HeaderField("Content-Type", "application/json")])
                request.body = Array("{not json".utf8)
                let response = try await context.send(request)
                guard let body = response.jsonValue else {
                    throw CaseStop.violated(
                        expected: "a JSON body {status, message}",
                        observed: "\(response.status) \(response.bodyText.prefix(200))")
                }
                if let violations = documents.violations(
                    document: "mirotalk-v1", operationId: "getJoinURL", status: 400, body: body)
                {
                    throw CaseStop.violated(
                        expected: "MalformedBody {status, message}", observed: violations.joined(separator: "; "))
                }
                let flavour = body["status"]?.doubleValue == 404 ? " (upstream's 404-in-400)" : ""
                return .pass(observed: "\(response.status) \(body.compactText)\(flavour)")
            },
            ConformanceCase(
                id: "mirotalk/http/body-too-large",
                title: "a 2 MiB JSON body (Parley 413 over 1 MiB; upstream allows 50 MB)",
                severity: .info,
                reference: SpecReference(
                    "docs/configuration.md", "§Keys: http.max_body_bytes (upstream: express.json limit 50mb)"),
                requirement: "Open: the body limit is a deployment choice. Recorded, not judged."
            ) { context in
                try await MiroTalkRoutes.requireEnabled(.join, context)
                let filler = String(repeating: "x", count: 2 << 20)
                let request = try keyed(
                    context, "POST", "/api/v1/join",
                    json: .object([("room", .string("big")), ("name", .string(filler))]))
                let (result, exchange) = await context.trySend(request)
                // Keep the evidence small: the 2 MiB body is summarised.
                context.record(
                    WireExchange(
                        request: .init(
                            method: exchange.request.method, url: exchange.request.url,
                            headers: exchange.request.headers, body: "{\"room\":\"big\",\"name\":\"xxx… (2 MiB)\"}"),
                        response: exchange.response.map {
                            .init(
                                status: $0.status, reason: $0.reason, headers: $0.headers,
                                body: String($0.body.prefix(300)))
                        },
                        error: exchange.error, startedAt: exchange.startedAt, durationMs: exchange.durationMs))
                switch result {
                case .success(let response): return .observed("\(response.status) \(response.bodyText.prefix(120))")
                case .failure(let error): return .observed("no response: \(error)")
                }
            },
            ConformanceCase(
                id: "mirotalk/http/unknown-api-route",
                title: "an unknown /api/v1 route (upstream: 200 with its 404 page)",
                severity: .info, reference: MiroTalkUpstream.server(line: 2053, "catch-all: the 404 page, status 200"),
                requirement:
                    "Open: upstream sends its 404.html with status 200; a 404 is also reasonable. Recorded, not judged."
            ) { context in
                let response = try await context.send(HTTPRequest(method: "GET", path: "/api/v1/conform-no-such-route"))
                return .observed(
                    "\(response.status) \(response.header("Content-Type") ?? "") \(response.bodyText.prefix(80))")
            },
        ]
    }
}
