import Foundation

extension WHIPWHEPSuite {
    /// POSTs a fresh offer with `credentials` and deletes whatever it created; returns the answer.
    static func probeOffer(
        _ context: CaseContext, _ side: WHIPWHEPSide, streamPath: String, credentials: WHIPWHEPEndpoint.Credentials
    ) async throws -> HTTPResponse {
        let endpoint = WHIPWHEPEndpoint(context: context, side: side)
        let (response, _) = try await endpoint.post(
            streamPath: streamPath, body: offer(side, try await dtls(context)), credentials: credentials)
        if response.status == 201, let session = endpoint.sessionPath(response) {
            _ = try? await endpoint.delete(session, credentials: credentials)
        }
        return response
    }

    /// Credentials, ICE servers, redirects and overload (RFC 9725 §4.5–§4.7; the WHEP draft's same sections).
    static func accessCases(_ side: WHIPWHEPSide) -> [ConformanceCase] {
        let auth = side.reference("4.7", "HTTP authentication; Bearer tokens (RFC 6750) MUST be supported")
        return [
            ConformanceCase(
                id: side.id("4.7", "bearer-required"), title: "an offer without any credential is refused 401 or 403",
                severity: .must, reference: auth,
                requirement:
                    "A target that protects the endpoint refuses an offer that carries neither Authorization nor a signature with 401 (or 403), not 201. A target that needs no credentials is recorded as INFO."
            ) { context in
                try await withLiveStream(context, side, "no-credentials") { streamPath in
                    let response = try await probeOffer(context, side, streamPath: streamPath, credentials: .none)
                    if response.status == 201 { return .observed("the target accepts offers without any credential") }
                    try check(
                        [401, 403].contains(response.status), expected: "401 or 403", observed: describe(response))
                    return .pass(observed: "\(response.status) \(response.header("WWW-Authenticate") ?? "")")
                }
            },
            ConformanceCase(
                id: side.id("4.7", "bearer-checked"), title: "an invalid Bearer token is refused 401",
                severity: .must, reference: auth,
                requirement:
                    "An offer with Authorization: Bearer and a token the target never issued is refused 401 (RFC 6750 §3.1 invalid_token); INFO when the target needs no credentials at all."
            ) { context in
                try await withLiveStream(context, side, "bad-bearer") { streamPath in
                    let open = try await probeOffer(context, side, streamPath: streamPath, credentials: .none)
                    if open.status == 201 {
                        return .observed("the target needs no credentials; the token is not checked")
                    }
                    let response = try await probeOffer(
                        context, side, streamPath: streamPath,
                        credentials: .authorization("Bearer conform.invalid.token-\(UInt32.random(in: 0...UInt32.max))")
                    )
                    try check(response.status == 401, expected: "401", observed: describe(response))
                    return .pass(observed: "401 \(response.header("WWW-Authenticate") ?? "")")
                }
            },
            ConformanceCase(
                id: side.id("4.7", "bearer-accepted"), title: "a valid Bearer token is enough to get 201",
                severity: .must, reference: auth,
                requirement:
                    "An offer with Authorization: Bearer and a token the target issued (--bearer, or a Monibuca JWT from --auth-secret or a login) and no other credential answers 201."
            ) { context in
                let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                guard let token = await endpoint.bearerToken() else {
                    throw CaseStop.skip("needs --bearer, --auth-secret or --username/--password to hold a valid token")
                }
                return try await withLiveStream(context, side, "bearer") { streamPath in
                    let response = try await probeOffer(
                        context, side, streamPath: streamPath, credentials: .authorization("Bearer \(token)"))
                    try check(response.status == 201, expected: "201", observed: describe(response))
                    return .pass(observed: "201 with the Bearer token alone")
                }
            },
            ConformanceCase(
                id: side.id("4.6", "link-ice-server"), title: "Link rel=\"ice-server\" headers name STUN/TURN URIs",
                severity: .must, reference: side.reference("4.6", "Link: <uri>; rel=\"ice-server\" on the 201"),
                requirement:
                    "Each Link header with rel=\"ice-server\" on the 201 is <stun:|stuns:|turn:|turns: URI> (RFC 7064, RFC 7065), and TURN ones carry username and credential; INFO when the target sends none."
            ) { context in
                try await withSession(context, side, "link") { created in
                    let links = created.response.headers.filter { $0.name.lowercased() == "link" }
                        .flatMap { $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                        .filter {
                            $0.lowercased().contains("rel=\"ice-server\"") || $0.lowercased().contains("rel=ice-server")
                        }
                    if links.isEmpty { return .observed("no ice-server Link headers (the target configures none)") }
                    let bad = links.filter { link in
                        guard link.hasPrefix("<"), let close = link.firstIndex(of: ">") else { return true }
                        let uri = link[link.index(after: link.startIndex)..<close].lowercased()
                        guard ["stun:", "stuns:", "turn:", "turns:"].contains(where: { uri.hasPrefix($0) }) else {
                            return true
                        }
                        return uri.hasPrefix("turn") && !(link.contains("username=") && link.contains("credential="))
                    }
                    try check(
                        bad.isEmpty,
                        expected: "<stun:|turn: URI>; rel=\"ice-server\" (TURN with username and credential)",
                        observed: bad.joined(separator: " | "))
                    return .pass(observed: links.joined(separator: " | "))
                }
            },
            ConformanceCase(
                id: side.id("4.5", "redirect-307-followed"),
                title: "a redirect is a 307 the client can follow to a 201",
                severity: .must, reference: side.reference("4.5", "redirects: 307, never 301/302"),
                requirement:
                    "If the target redirects an offer it uses 307 (or 308), never 301/302, and the POST repeated at the Location is answered 201; INFO when it does not redirect."
            ) { context in
                try await withLiveStream(context, side, "redirect") { streamPath in
                    let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                    let (response, redirects) = try await endpoint.post(
                        streamPath: streamPath, body: offer(side, try await dtls(context)))
                    if response.status == 201, let session = endpoint.sessionPath(response) {
                        _ = try? await endpoint.delete(session)
                    }
                    try check(
                        ![301, 302, 303].contains(response.status), expected: "307 or 308 for a redirect",
                        observed: describe(response))
                    if redirects.isEmpty {
                        try check(response.status == 201, expected: "201", observed: describe(response))
                        return .observed("no redirect: 201 at the endpoint itself")
                    }
                    try check(
                        response.status == 201, expected: "201 after following \(redirects)",
                        observed: describe(response))
                    return .pass(observed: "followed \(redirects.map(String.init).joined(separator: ", ")) to 201")
                }
            },
            ConformanceCase(
                id: side.id("4.5", "overload-503-retry-after"),
                title: "an overloaded endpoint answers 503 with Retry-After",
                severity: .should, reference: side.reference("4.5", "overload → 503, optionally with Retry-After"),
                requirement:
                    "Offers left unconnected pile up until the target says it is overloaded with 503 and a Retry-After (RFC 9110 §10.2.3), not another 5xx; once they are deleted a new offer gets 201. INFO when 30 offers do not overload it."
            ) { context in
                try await withLiveStream(context, side, "overload") { streamPath in
                    let endpoint = WHIPWHEPEndpoint(context: context, side: side)
                    let dtls = try await dtls(context)
                    var sessions: [String] = []
                    var refusal: HTTPResponse?
                    // WHIP publishes once per path: each WHIP offer gets a path of its own.
                    for index in 0..<30 {
                        let path = side.publishing ? "\(streamPath)-\(index)" : streamPath
                        let (response, _) = try await endpoint.post(
                            streamPath: path, body: offer(side, dtls), retryOverload: false)
                        if response.status == 201, let session = endpoint.sessionPath(response) {
                            sessions.append(session)
                            continue
                        }
                        refusal = response
                        break
                    }
                    for session in sessions { _ = try? await endpoint.delete(session) }
                    guard let refusal else { return .observed("30 unconnected offers were all accepted") }
                    try check(
                        refusal.status == 503 && WHIPWHEPEndpoint.retryAfterSeconds(refusal) != nil,
                        expected: "503 with Retry-After after \(sessions.count) offers",
                        observed: describe(refusal))
                    let again = try await probeOffer(
                        context, side, streamPath: side.publishing ? streamPath + "-after" : streamPath,
                        credentials: .configured)
                    try check(
                        again.status == 201, expected: "201 once the pending sessions are deleted",
                        observed: describe(again))
                    return .pass(
                        observed:
                            "503 Retry-After: \(refusal.header("Retry-After") ?? "") after \(sessions.count) offers; 201 after deleting them"
                    )
                }
            },
        ]
    }
}
