extension WHIPWHEPSuite {
    /// Session setup (RFC 9725 §4.1, §4.2, §4.4; the WHEP draft's same sections).
    static func sessionCases(_ side: WHIPWHEPSide) -> [ConformanceCase] {
        let name = side.name
        return [
            ConformanceCase(
                id: side.id("4.2", "created-location-sdp"), title: "a valid offer gets 201, Location and an SDP answer",
                severity: .must, reference: side.reference("4.2", "201 Created, Location, application/sdp answer"),
                requirement:
                    "POST of an application/sdp offer answers 201 Created with Content-Type: application/sdp, the SDP answer as body and a Location header naming the session URL."
            ) { context in
                try await withSession(context, side, "created") { created in
                    let response = created.response
                    try check(
                        isSDPType(response.header("Content-Type"))
                            && WHIPWHEPAnswerLines(response.bodyText).looksLikeSDP
                            && created.session != nil,
                        expected: "201, Content-Type: application/sdp, an SDP body, Location",
                        observed: describe(response))
                    return .pass(observed: "201, Location \(created.session ?? "")")
                }
            },
            ConformanceCase(
                id: side.id("4.1", "get-no-content"), title: "GET on the endpoint and the session is 2xx with no body",
                severity: .must, reference: side.reference("4.1", "GET → 2xx with no content"),
                requirement:
                    "A GET on the \(name) endpoint or on the session URL answers a 2xx status with no content (earlier drafts said 405)."
            ) { context in
                try await withSession(context, side, "get") { created in
                    let session = try requireSession(created)
                    var seen: [String] = []
                    for path in [created.endpoint.path(created.streamPath), session] {
                        let response = try await created.endpoint.send("GET", path)
                        seen.append("GET \(path.split(separator: "?")[0]) → \(describe(response))")
                        try check(
                            (200..<300).contains(response.status) && response.body.isEmpty,
                            expected: "2xx without a body", observed: seen.joined(separator: "; "))
                    }
                    return .pass(observed: seen.joined(separator: "; "))
                }
            },
            ConformanceCase(
                id: side.id("4.2", "options-accept-post"),
                title: "OPTIONS on the endpoint names Accept-Post: application/sdp",
                severity: .should, reference: side.reference("4.2", "OPTIONS; Accept-Post: application/sdp"),
                requirement: "OPTIONS on the endpoint answers 2xx and SHOULD carry Accept-Post listing application/sdp."
            ) { context in
                let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                let response = try await endpoint.send(
                    "OPTIONS", endpoint.path(WHIPWHEPEndpoint.freshStreamPath("options")))
                let acceptPost = response.header("Accept-Post") ?? ""
                try check(
                    (200..<300).contains(response.status) && acceptPost.lowercased().contains("application/sdp"),
                    expected: "2xx with Accept-Post: application/sdp",
                    observed: "\(response.status) Accept-Post: \(acceptPost.isEmpty ? "(none)" : acceptPost)")
                return .pass(observed: "\(response.status) Accept-Post: \(acceptPost)")
            },
            ConformanceCase(
                id: side.id("4.2", "cors-preflight-without-auth"),
                title: "the CORS preflight succeeds without credentials",
                severity: .must,
                reference: side.reference(
                    "4.2", "the endpoint supports OPTIONS for CORS; no Authorization on a preflight (§4.7)"),
                requirement:
                    "A CORS preflight (OPTIONS with Origin, Access-Control-Request-Method: POST and Access-Control-Request-Headers: authorization, content-type) and no credentials answers 2xx: browsers never send Authorization on it."
            ) { context in
                let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                let response = try await endpoint.send(
                    "OPTIONS", endpoint.path(WHIPWHEPEndpoint.freshStreamPath("preflight"), signed: false),
                    extra: [
                        HeaderField("Origin", context.options.origin),
                        HeaderField("Access-Control-Request-Method", "POST"),
                        HeaderField("Access-Control-Request-Headers", "authorization, content-type"),
                    ], credentials: .none)
                try check(
                    (200..<300).contains(response.status), expected: "2xx to a preflight without credentials",
                    observed: describe(response))
                let allowOrigin = response.header("Access-Control-Allow-Origin") ?? "(none)"
                return .pass(observed: "\(response.status), Access-Control-Allow-Origin: \(allowOrigin)")
            },
            ConformanceCase(
                id: side.id("4.2", "wrong-content-type-4xx"),
                title: "an offer not sent as application/sdp is refused 4xx",
                severity: .must, reference: side.reference("4.2", "wrong content type → 4xx"),
                requirement: "A POST whose Content-Type is not application/sdp is rejected with a 4xx (415 fits)."
            ) { context in
                try await withLiveStream(context, side, "content-type") { streamPath in
                    let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                    let (response, _) = try await endpoint.post(
                        streamPath: streamPath, body: offer(side, try await dtls(context)), contentType: "text/plain")
                    if response.status == 201, let session = endpoint.sessionPath(response) {
                        _ = try? await endpoint.delete(session)
                    }
                    try check(
                        (400..<500).contains(response.status), expected: "4xx for Content-Type: text/plain",
                        observed: describe(response))
                    return .pass(observed: "\(response.status)")
                }
            },
            ConformanceCase(
                id: side.id("4.2", "malformed-sdp-4xx"), title: "a body that is not SDP is refused 4xx",
                severity: .must, reference: side.reference("4.2", "malformed SDP → 4xx"),
                requirement:
                    "An application/sdp body that is not a session description is rejected with a 4xx (400 fits), never 201 or 5xx."
            ) { context in
                try await withLiveStream(context, side, "malformed") { streamPath in
                    let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                    let (response, _) = try await endpoint.post(
                        streamPath: streamPath, body: "this is not SDP\r\nm=audio nine\r\n")
                    if response.status == 201, let session = endpoint.sessionPath(response) {
                        _ = try? await endpoint.delete(session)
                    }
                    try check(
                        (400..<500).contains(response.status), expected: "4xx for a malformed offer",
                        observed: describe(response))
                    return .pass(observed: "\(response.status) \(response.bodyText.prefix(80))")
                }
            },
            ConformanceCase(
                id: side.id("4.2", "answer-\(side.answerDirection)"),
                title: "the answer is \(side.answerDirection) for a \(side.publishing ? "sendonly" : "recvonly") offer",
                severity: .must, reference: side.reference("4.2", "the answer's media direction"),
                requirement:
                    "Every accepted media section of the answer to a \(side.publishing ? "sendonly" : "recvonly") offer is \(side.answerDirection) (a section the server cannot serve may be inactive, never the audio one)."
            ) { context in
                try await withSession(context, side, "direction") { created in
                    let answer = WHIPWHEPAnswerLines(created.response.bodyText)
                    let accepted = answer.sections.filter { !$0.rejected }
                    let wrong = accepted.filter { section in
                        section.direction != side.answerDirection
                            && (section.kind == "audio" || section.direction != "inactive")
                    }
                    let seen = accepted.map { "\($0.kind) \($0.direction)" }.joined(separator: ", ")
                    try check(
                        !accepted.isEmpty && wrong.isEmpty, expected: "every accepted section \(side.answerDirection)",
                        observed: seen.isEmpty ? "no accepted section" : seen)
                    return .pass(observed: seen)
                }
            },
            ConformanceCase(
                id: side.id("4.4", "bundle-rtcp-mux-only"),
                title: "an rtcp-mux-only, bundled offer gets a bundled, muxed answer",
                severity: .must, reference: side.reference("4.4", "BUNDLE, rtcp-mux and rtcp-mux-only"),
                requirement:
                    "For an offer with a=group:BUNDLE and a=rtcp-mux plus a=rtcp-mux-only (RFC 8858) on every section, the answer bundles every accepted section (RFC 9143) and carries a=rtcp-mux on each."
            ) { context in
                try await withSession(context, side, "bundle", extra: ["a=rtcp-mux-only"]) { created in
                    let answer = WHIPWHEPAnswerLines(created.response.bodyText)
                    let accepted = answer.sections.filter { !$0.rejected }
                    let mids = accepted.compactMap(\.mid)
                    let bundle = answer.bundleMids ?? []
                    let unmuxed = accepted.filter { !$0.has("rtcp-mux") }.map(\.kind)
                    try check(
                        !accepted.isEmpty && mids.count == accepted.count && Set(mids).isSubset(of: Set(bundle))
                            && unmuxed.isEmpty,
                        expected: "a=group:BUNDLE naming every accepted mid, a=rtcp-mux in each section",
                        observed:
                            "BUNDLE \(answer.bundleMids.map { $0.joined(separator: " ") } ?? "(none)"), mids \(mids), without rtcp-mux: \(unmuxed)"
                    )
                    return .pass(
                        observed: "BUNDLE \(bundle.joined(separator: " ")), rtcp-mux on \(accepted.count) section(s)")
                }
            },
            ConformanceCase(
                id: side.id("4.4", "unsupported-offer-4xx-reason"),
                title: "an offer with no usable codec is refused 4xx with a reason",
                severity: .must,
                reference: side.reference("4.4", "an offer that cannot be served is rejected as a whole, 422 or 400"),
                requirement:
                    "An offer whose only media section uses a codec nobody implements is rejected as a whole with a 4xx (422 or 400) and a body saying why — not answered 201 with nothing usable."
            ) { context in
                try await withLiveStream(context, side, "unsupported") { streamPath in
                    let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                    let usable = offer(side, try await dtls(context))
                    let unusable = usable.replacingOccurrences(
                        of: "UDP/TLS/RTP/SAVPF 111", with: "UDP/TLS/RTP/SAVPF 97"
                    )
                    .replacingOccurrences(of: "a=rtpmap:111 opus/48000/2", with: "a=rtpmap:97 x-conform-none/8000")
                    .replacingOccurrences(of: "a=fmtp:111 minptime=10;useinbandfec=1\r\n", with: "")
                    let (response, _) = try await endpoint.post(streamPath: streamPath, body: unusable)
                    if response.status == 201, let session = endpoint.sessionPath(response) {
                        _ = try? await endpoint.delete(session)
                    }
                    let reason = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
                    try check(
                        (400..<500).contains(response.status) && !reason.isEmpty,
                        expected: "4xx (422 or 400) with a reason in the body", observed: describe(response))
                    return .pass(observed: "\(response.status) \(reason.prefix(100))")
                }
            },
        ]
    }
}
