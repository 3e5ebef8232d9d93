extension WHIPWHEPSuite {
    static let trickleType = "application/trickle-ice-sdpfrag"

    /// A trickle or restart fragment (RFC 8840 §5.2): ICE credentials, the first section's mid, one host candidate.
    static func fragment(ufrag: String, pwd: String, candidate: Bool) -> String {
        var lines = ["a=ice-ufrag:\(ufrag)", "a=ice-pwd:\(pwd)", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0"]
        if candidate {
            lines += ["a=candidate:2 1 udp 2113929471 127.0.0.1 9 typ host", "a=end-of-candidates"]
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// 405, 501 or 422 to a PATCH: the target does not do trickle or restart at all (RFC 9725 §4.3.1 allows
    /// supporting either one, or none).
    static func patchUnsupported(_ response: HTTPResponse) -> Bool { [405, 501, 422].contains(response.status) }

    /// A trickle PATCH on a fresh session with `ifMatch` (nil: no header) must be refused with `status`; 405 or 501
    /// means the target has no PATCH at all, which RFC 9725 §4.3.1 allows (422 is not excused here: a precondition
    /// failure must be named as one).
    static func trickleRefused(
        _ context: CaseContext, _ side: WHIPWHEPSide, _ slug: String, ifMatch: String?, status: Int
    ) async throws -> CaseOutcome {
        try await withSession(context, side, slug) { created in
            let session = try requireSession(created)
            let ice = created.offerICE
            let response = try await created.endpoint.patch(
                session, ifMatch: ifMatch, contentType: trickleType,
                body: fragment(ufrag: ice.ufrag, pwd: ice.pwd, candidate: true))
            if [405, 501].contains(response.status) { return .observed("PATCH not supported: \(describe(response))") }
            try check(response.status == status, expected: "\(status)", observed: describe(response))
            return .pass(observed: "\(status)")
        }
    }

    /// PATCH, ETags and DELETE on the session URL (RFC 9725 §4.2, §4.3; the WHEP draft's same sections).
    static func patchCases(_ side: WHIPWHEPSide) -> [ConformanceCase] {
        [
            ConformanceCase(
                id: side.id("4.3.2", "trickle-204-no-etag"), title: "a trickle PATCH answers 204 without an ETag",
                severity: .must, reference: side.reference("4.3.2", "trickle: 204 No Content, no ETag"),
                requirement:
                    "A PATCH of application/trickle-ice-sdpfrag with candidates only and If-Match naming the session's ETag answers 204 No Content with no body and no ETag (405/501/422 when the target does not do trickle)."
            ) { context in
                try await withSession(context, side, "trickle") { created in
                    let session = try requireSession(created)
                    guard let etag = created.response.header("ETag") else {
                        return .observed(
                            "the 201 carried no ETag, so no If-Match can be sent (allowed without ICE restart)")
                    }
                    let ice = created.offerICE
                    let response = try await created.endpoint.patch(
                        session, ifMatch: etag, contentType: trickleType,
                        body: fragment(ufrag: ice.ufrag, pwd: ice.pwd, candidate: true))
                    if patchUnsupported(response) { return .observed("trickle not supported: \(describe(response))") }
                    try check(
                        response.status == 204 && response.header("ETag") == nil && response.body.isEmpty,
                        expected: "204, no ETag, no body", observed: describe(response))
                    return .pass(observed: "204")
                }
            },
            ConformanceCase(
                id: side.id("4.3.1", "patch-without-if-match-428"), title: "a PATCH without If-Match is 428",
                severity: .must, reference: side.reference("4.3.1", "missing If-Match → 428 Precondition Required"),
                requirement: "A PATCH without If-Match is refused 428 Precondition Required (RFC 6585 §3)."
            ) { context in
                try await trickleRefused(context, side, "no-if-match", ifMatch: nil, status: 428)
            },
            ConformanceCase(
                id: side.id("4.3.1", "patch-wrong-etag-412"), title: "a PATCH naming another ETag is 412",
                severity: .must, reference: side.reference("4.3.1", "If-Match mismatch → 412 Precondition Failed"),
                requirement:
                    "A PATCH whose If-Match names an entity tag the session does not have is refused 412 (RFC 9110 §13.1.1)."
            ) { context in
                try await trickleRefused(
                    context, side, "wrong-etag", ifMatch: "\"conform-not-this-session\"", status: 412)
            },
            ConformanceCase(
                id: side.id("4.3.1", "patch-wrong-type-4xx"), title: "a PATCH of another media type is refused 4xx",
                severity: .must, reference: side.reference("4.3.1", "other Content-Type → 4xx"),
                requirement:
                    "A PATCH whose Content-Type is not application/trickle-ice-sdpfrag is refused with a 4xx (415 or 422), never applied."
            ) { context in
                try await withSession(context, side, "patch-type") { created in
                    let session = try requireSession(created)
                    let response = try await created.endpoint.patch(
                        session, ifMatch: created.response.header("ETag") ?? "*", contentType: "application/json",
                        body: #"{"candidate":"candidate:2 1 udp 2113929471 127.0.0.1 9 typ host"}"#)
                    try check(
                        (400..<500).contains(response.status), expected: "4xx (415 or 422)",
                        observed: describe(response))
                    return .pass(observed: "\(response.status)")
                }
            },
            ConformanceCase(
                id: side.id("4.3.3", "ice-restart-200-new-etag"),
                title: "an ICE restart answers 200, new credentials and a new ETag",
                severity: .must, reference: side.reference("4.3.3", "ICE restart: 200 OK, sdpfrag answer, new ETag"),
                requirement:
                    "A PATCH with If-Match: * and new a=ice-ufrag/a=ice-pwd answers 200 OK with an application/trickle-ice-sdpfrag body holding the server's new ufrag and pwd, and an ETag other than the 201's (405/501/422 when restart is not supported)."
            ) { context in
                try await withSession(context, side, "restart") { created in
                    let session = try requireSession(created)
                    let fresh = ICEParameters.random()
                    let response = try await created.endpoint.patch(
                        session, ifMatch: "*", contentType: trickleType,
                        body: fragment(ufrag: fresh.ufrag, pwd: fresh.pwd, candidate: false))
                    if patchUnsupported(response) {
                        return .observed("ICE restart not supported: \(describe(response))")
                    }
                    let lines = WHIPWHEPAnswerLines(response.bodyText)
                    let all = lines.session + lines.sections.flatMap(\.attributes)
                    let newETag = response.header("ETag")
                    let oldUfrag = WHIPWHEPAnswerLines(created.response.bodyText).sections.first?.value("ice-ufrag")
                    let ufrag = all.first { $0.hasPrefix("ice-ufrag:") }.map { String($0.dropFirst(10)) }
                    try check(
                        response.status == 200
                            && response.header("Content-Type")?.lowercased().hasPrefix(trickleType) == true
                            && ufrag != nil && all.contains { $0.hasPrefix("ice-pwd:") } && newETag != nil
                            && newETag != created.response.header("ETag") && ufrag != oldUfrag,
                        expected: "200, \(trickleType) with a new a=ice-ufrag and a=ice-pwd, a new ETag",
                        observed: describe(response) + " (201 ETag \(created.response.header("ETag") ?? "none"))")
                    return .pass(
                        observed: "200, ETag \(newETag ?? "") (was \(created.response.header("ETag") ?? "none"))")
                }
            },
            ConformanceCase(
                id: side.id("4.2", "delete-200-then-404"),
                title: "DELETE ends the session with 200; a second DELETE is 404",
                severity: .must, reference: side.reference("4.2", "DELETE on the session URL terminates the session"),
                requirement:
                    "DELETE on the session URL answers 200 OK; the session is gone, so a second DELETE answers 404."
            ) { context in
                try await withSession(context, side, "delete") { created in
                    let session = try requireSession(created)
                    let first = try await created.endpoint.delete(session)
                    let second = try await created.endpoint.delete(session)
                    try check(
                        first.status == 200 && second.status == 404, expected: "200, then 404",
                        observed: "\(describe(first)), then \(describe(second))")
                    return .pass(observed: "200, then 404")
                }
            },
        ]
    }
}
