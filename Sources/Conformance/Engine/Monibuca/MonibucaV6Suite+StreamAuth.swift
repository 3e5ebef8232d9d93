import Foundation

extension MonibucaV6Suite {
    /// An SDP offer with no media: enough for the HTTP layer, never starts a session (RFC 8866 §5).
    static let emptyOffer = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

    static func offer(_ path: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST", path: path, headers: [HeaderField("Content-Type", "application/sdp")],
            body: Array(emptyOffer.utf8))
    }

    /// The WHIP (publish) and WHEP (subscribe) signature checks, HTTP level only.
    static func streamAuthCases() -> [ConformanceCase] {
        let check5 = MonibucaReference.v5(.plugin, "auth(): expired, secret length must be 32, invalid secret")
        var cases: [ConformanceCase] = []
        for (endpoint, type) in [("whip", "publish"), ("whep", "subscribe")] {
            let streamPath = "live/conform-\(endpoint)-signed"
            let base = "/webrtc/\(endpoint)/\(streamPath)"
            /// The endpoint at the target's layout: `--whip-path`/`--whep-path` templates, else Parley's and V6's.
            @Sendable func endpointPath(_ context: CaseContext) -> String {
                let template =
                    endpoint == "whip"
                    ? context.options.whipPath ?? MediaSignaling.defaultWHIP
                    : context.options.whepPath ?? MediaSignaling.defaultWHEP
                return template.replacingOccurrences(of: "{path}", with: streamPath)
            }
            func refusedCase(_ slug: String, _ title: String, query: @escaping @Sendable (String) -> String)
                -> ConformanceCase
            {
                ConformanceCase(
                    id: "monibuca-v6/stream-auth/\(endpoint)-\(slug)", title: "\(endpoint.uppercased()): \(title)",
                    severity: .must, reference: check5,
                    requirement:
                        "With stream auth on (--stream-key webrtc:\(type):KEY), POST \(base) \(title) is refused 401 or 403 before any media."
                ) { context in
                    let key = try requireStreamKey(context, plugin: "webrtc", type: type)
                    let response = try await context.send(offer(endpointPath(context) + query(key)))
                    try check(
                        [401, 403].contains(response.status), expected: "401 or 403",
                        observed: "\(response.status) \(response.bodyText.prefix(160))")
                    return .pass(observed: "\(response.status) \(response.bodyText.prefix(80))")
                }
            }
            cases += [
                refusedCase("missing", "without secret and expire") { _ in "" },
                refusedCase("expired", "with a correct secret for a past expire") { key in
                    let expire = hexExpire(secondsFromNow: -3600)
                    return "?secret=\(signature(key: key, streamPath: streamPath, expire: expire))&expire=\(expire)"
                },
                refusedCase("wrong-length", "with a 31-character secret") { key in
                    let expire = hexExpire(secondsFromNow: 1800)
                    return
                        "?secret=\(signature(key: key, streamPath: streamPath, expire: expire).dropLast())&expire=\(expire)"
                },
                refusedCase("wrong-value", "with a wrong 32-character secret") { key in
                    let expire = hexExpire(secondsFromNow: 1800)
                    return
                        "?secret=\(signature(key: key + "x", streamPath: streamPath, expire: expire))&expire=\(expire)"
                },
                ConformanceCase(
                    id: "monibuca-v6/stream-auth/\(endpoint)-valid-passes",
                    title: "\(endpoint.uppercased()): a valid signature passes the check",
                    severity: .must, reference: check5,
                    requirement:
                        "A correct secret for a future expire is not refused 401/403 (an empty offer may still be refused as SDP)."
                ) { context in
                    let key = try requireStreamKey(context, plugin: "webrtc", type: type)
                    let expire = hexExpire(secondsFromNow: 1800)
                    let secret = signature(key: key, streamPath: streamPath, expire: expire)
                    let response = try await context.send(
                        offer("\(endpointPath(context))?secret=\(secret)&expire=\(expire)"))
                    try check(
                        ![401, 403].contains(response.status) && response.status < 500,
                        expected: "neither 401/403 nor 5xx",
                        observed: "\(response.status) \(response.bodyText.prefix(160))")
                    return .pass(observed: "\(response.status) \(response.bodyText.prefix(80))")
                },
            ]
        }
        cases.append(
            ConformanceCase(
                id: "monibuca-v6/stream-auth/push-alias-missing", title: "v5's /webrtc/push checks the signature too",
                severity: .should,
                reference: MonibucaReference.v5(.webrtcAPI, "servePush: the query becomes the stream's auth args"),
                requirement:
                    "POST /webrtc/push/{path} without secret and expire is refused 401 or 403 when stream auth is on."
            ) { context in
                _ = try requireStreamKey(context, plugin: "webrtc", type: "publish")
                let response = try await context.send(offer("/webrtc/push/live/conform-push-signed"))
                try check(
                    [401, 403].contains(response.status), expected: "401 or 403",
                    observed: "\(response.status) \(response.bodyText.prefix(160))")
                return .pass(observed: "\(response.status)")
            })
        return cases
    }

    /// The seed's plugin prefixes: each is either served or answers 501 in the envelope, never a silent 404.
    static let pluginPrefixes = [
        "rtmp", "rtsp", "flv", "hls", "srt", "webtransport", "gb28181", "mp4", "snap", "transcode/api", "cluster",
        "live", "room_report",
    ]

    static func moduleCases() -> [ConformanceCase] {
        pluginPrefixes.map { prefix in
            let slug = prefix.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "_", with: "-")
            return ConformanceCase(
                id: "monibuca-v6/modules/\(slug)-served-or-501", title: "/\(prefix)/ is served or answers 501",
                severity: .should,
                reference: MonibucaReference.v6("§Status codes: 501 Not implemented; plugin routes /\(prefix)/"),
                requirement:
                    "A plugin prefix the target does not build answers 501 {code: 501, message}; a 404 hides that the module is missing."
            ) { context in
                let token = try await token(context)
                let response = try await context.send(get("/\(prefix)/conform-probe", token: token))
                if response.status == 501 {
                    if let problem = envelopeProblem(response, status: 501) {
                        throw CaseStop.violated(expected: "501 {code: 501, message}", observed: problem)
                    }
                    return .pass(observed: "501 envelope: \(response.jsonValue?["message"]?.stringValue ?? "")")
                }
                try check(
                    response.status != 404 && response.status < 500, expected: "501 in the envelope, or served",
                    observed: "\(response.status) \(response.bodyText.prefix(160))")
                return .pass(observed: "served: \(response.status)")
            }
        }
    }

    static func streamCases() -> [ConformanceCase] {
        let streams = SpecReference(
            "https://monibuca.com/en/api/stream/", "GET /api/streams → {total, streams[]} (Monibuca V6)")
        return [
            ConformanceCase(
                id: "monibuca-v6/streams/list-shape", title: "/api/streams answers {total, streams[]}",
                severity: .must, reference: streams,
                requirement: "data.total is an integer and data.streams an array of at most total entries."
            ) { context in
                let body = try await expectEnvelope(
                    context, get(guardedPath, token: try await token(context)), status: 200)
                let total = body["data"]?["total"], list = body["data"]?["streams"]?.arrayValue
                try check(
                    total?.isInteger == true && list != nil && Double(list?.count ?? 0) <= (total?.doubleValue ?? -1),
                    expected: "{total: <int>, streams: [...]}", observed: body.compactText.prefix(300).description)
                return .pass(observed: "total \(total?.compactText ?? "")")
            },
            ConformanceCase(
                id: "monibuca-v6/streams/item-fields", title: "each listed stream has a path and a state",
                severity: .must, reference: streams,
                requirement: "Every entry of data.streams has a string path and a state."
            ) { context in
                let body = try await expectEnvelope(
                    context, get(guardedPath, token: try await token(context)), status: 200)
                let list = body["data"]?["streams"]?.arrayValue ?? []
                for item in list where item["path"]?.stringValue == nil || item["state"] == nil {
                    throw CaseStop.violated(expected: "{path: <string>, state, …}", observed: item.compactText)
                }
                return .pass(observed: "\(list.count) stream(s)")
            },
            ConformanceCase(
                id: "monibuca-v6/streams/unknown-404", title: "an unknown stream is 404 with code 404",
                severity: .must, reference: streams,
                requirement: "GET /api/stream/{path} for a path nobody publishes answers 404 {code: 404, message}."
            ) { context in
                try await expectEnvelope(
                    context, get("/api/stream/live/conform-nobody-publishes", token: try await token(context)),
                    status: 404)
                return .pass(observed: "404 envelope")
            },
        ]
    }
}
