import ParleyWire

/// The `whip` (RFC 9725) and `whep` (draft-ietf-wish-whep-02) profiles: the HTTP rules of session setup, PATCH,
/// DELETE, credentials, redirects and overload, checked on the wire, and — what no other suite checks — that media
/// published over WHIP really reaches a WHEP player, decodable, and stops when a session is deleted. Every case
/// works on a stream path of its own and deletes the sessions it made.
public enum WHIPWHEPSuite {
    public static func cases() -> [ConformanceCase] {
        WHIPWHEPSide.allCases.flatMap { side in
            sessionCases(side) + patchCases(side) + accessCases(side) + mediaCases(side)
        }
    }

    /// A session the case opened: the 201 (or whatever came instead) and its session URL.
    struct Created: Sendable {
        let endpoint: WHIPWHEPEndpoint
        let streamPath: String
        let response: HTTPResponse
        let offer: String
        var session: String? { endpoint.sessionPath(response) }
        /// The offer's ICE username fragment and password (the session-level or first section's).
        var offerICE: (ufrag: String, pwd: String) {
            let lines = WHIPWHEPAnswerLines(offer)
            let first = lines.sections.first
            return (first?.value("ice-ufrag") ?? "", first?.value("ice-pwd") ?? "")
        }
    }

    /// The run's one DTLS certificate and context (one key generation per run).
    static func dtls(_ context: CaseContext) async throws(CaseStop) -> DTLSClientContext {
        let shared: DTLSClientContext? = await context.memo.value("whipwhep.dtls") { try? DTLSClientContext() }
        guard let shared else { throw .broken("runner set-up: no DTLS certificate") }
        return shared
    }

    /// The runner's offer for `side` with one host candidate on the discard port (127.0.0.1:9): cases that only look at
    /// HTTP never start ICE, so no socket stands behind it.
    /// `video` adds a VP8 section; `extra` lines go into every media section.
    static func offer(_ side: WHIPWHEPSide, _ dtls: DTLSClientContext, video: Bool = false, extra: [String] = [])
        -> String
    {
        let ssrc = UInt32.random(in: 1...UInt32.max)
        let candidate = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 9)
        var sdp = ClientOffer(
            ice: .random(), fingerprint: dtls.fingerprint, sending: side.publishing, ssrc: ssrc, candidate: candidate,
            videoSSRC: video ? ssrc ^ 0x5A5A_5A5A : nil
        ).sdp
        for line in extra {
            sdp = sdp.replacingOccurrences(of: "a=rtcp-mux\r\n", with: "a=rtcp-mux\r\n\(line)\r\n")
        }
        return sdp
    }

    /// Runs `body` with a stream path the side can be used on: any fresh path for WHIP, a path with a connected
    /// publisher sending media for WHEP (a player of nothing is refused). The publisher is deleted afterwards.
    static func withLiveStream<T: Sendable>(
        _ context: CaseContext, _ side: WHIPWHEPSide, _ slug: String, video: Bool = false,
        _ body: (String) async throws -> T
    ) async throws -> T {
        let streamPath = WHIPWHEPEndpoint.freshStreamPath(slug)
        guard side == .whep else { return try await body(streamPath) }
        let publisher: WHIPWHEPMediaPeer
        do {
            publisher = try await WHIPWHEPMediaPeer.open(
                WHIPWHEPEndpoint(context: context, side: .whip), streamPath: streamPath, video: video,
                dtls: try await dtls(context))
        } catch {
            throw CaseStop.skip("no stream to play: the WHIP publisher was refused (\(error.summary))")
        }
        do {
            try await publisher.waitConnected()
            let result = try await body(streamPath)
            await publisher.end()
            return result
        } catch {
            await publisher.end()
            throw error
        }
    }

    /// Opens a session on a live stream and hands the 201 to `body`; anything but 201 is a violation. The session is
    /// deleted afterwards unless `body` did so.
    static func withSession<T: Sendable>(
        _ context: CaseContext, _ side: WHIPWHEPSide, _ slug: String, extra: [String] = [],
        _ body: (Created) async throws -> T
    ) async throws -> T {
        try await withLiveStream(context, side, slug) { streamPath in
            let endpoint = WHIPWHEPEndpoint(context: context, side: side)
            let sdp = offer(side, try await dtls(context), video: side == .whep, extra: extra)
            let (response, _) = try await endpoint.post(streamPath: streamPath, body: sdp)
            try check(
                response.status == 201, expected: "\(side.name) POST of a valid offer → 201 Created",
                observed: "\(response.status) \(response.bodyText.prefix(200))")
            let created = Created(endpoint: endpoint, streamPath: streamPath, response: response, offer: sdp)
            do {
                let result = try await body(created)
                if let session = created.session { _ = try? await endpoint.delete(session) }
                return result
            } catch {
                if let session = created.session { _ = try? await endpoint.delete(session) }
                throw error
            }
        }
    }

    static func requireSession(_ created: Created) throws(CaseStop) -> String {
        guard let session = created.session else {
            throw .violated(expected: "a Location header on the 201", observed: "none")
        }
        return session
    }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }

    static func describe(_ response: HTTPResponse) -> String {
        let headers = ["Content-Type", "Location", "ETag", "Retry-After"].compactMap { name in
            response.header(name).map { "\(name): \($0)" }
        }
        let body = response.bodyText.prefix(160)
        return "\(response.status)" + (headers.isEmpty ? "" : " [" + headers.joined(separator: ", ") + "]")
            + (body.isEmpty ? "" : " \(body)")
    }

    static func isSDPType(_ value: String?) -> Bool {
        value?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/sdp"
    }
}

extension CaseStop {
    /// The outcome in a few words, for a case that turns another case's stop into its own reason.
    var summary: String {
        switch outcome {
        case .pass(let observed), .observed(let observed): observed
        case .violated(let expected, let observed): "expected \(expected), observed \(observed)"
        case .skip(let reason), .broken(let reason): reason
        }
    }
}
