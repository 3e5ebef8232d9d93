extension WHIPWHEPSuite {
    /// A connected publisher (WHIP) and a connected player (WHEP) of one fresh path, handed to `body`; both are
    /// deleted afterwards. `video` makes the publisher send VP8 and the player ask for it.
    static func withPublisherAndPlayer<T: Sendable>(
        _ context: CaseContext, _ slug: String, video: Bool,
        _ body: (WHIPWHEPMediaPeer, WHIPWHEPMediaPeer) async throws -> T
    ) async throws -> T {
        let streamPath = WHIPWHEPEndpoint.freshStreamPath(slug)
        let dtls = try await dtls(context)
        let publisher = try await WHIPWHEPMediaPeer.open(
            WHIPWHEPEndpoint(context: context, side: .whip), streamPath: streamPath, video: video, dtls: dtls)
        var player: WHIPWHEPMediaPeer?
        do {
            try await publisher.waitConnected()
            let opened = try await WHIPWHEPMediaPeer.open(
                WHIPWHEPEndpoint(context: context, side: .whep), streamPath: streamPath, video: video, dtls: dtls)
            player = opened
            try await opened.waitConnected()
            let result = try await body(publisher, opened)
            await opened.end()
            await publisher.end()
            return result
        } catch {
            await player?.end()
            await publisher.end()
            throw error
        }
    }

    /// Media through the target (RFC 9725 §4.2 and the WHEP draft §4.2: the session carries media until deleted).
    static func mediaCases(_ side: WHIPWHEPSide) -> [ConformanceCase] {
        let media = side.reference("4.2", "the session carries media (RFC 7587 Opus) until it is deleted")
        return [
            ConformanceCase(
                id: side.id("4.2", "opus-arrives-decodable"),
                title: "Opus published over WHIP plays over WHEP, decodable",
                severity: .must, reference: media,
                requirement:
                    "Opus frames a WHIP publisher sends reach a WHEP player of the same path within 5 s, and every audio payload that arrives decodes with libopus (RFC 6716)."
            ) { context in
                try await withPublisherAndPlayer(context, "opus-\(side.rawValue)", video: false) { _, player in
                    let seen = await player.waitFor(seconds: 5) { $0.audio >= 25 }
                    try check(
                        seen.audio >= 25 && seen.decodeFailures == 0,
                        expected: "≥ 25 Opus payloads (0.5 s) that all decode",
                        observed: "\(seen.audio) audio payloads, \(seen.decodeFailures) undecodable")
                    return .pass(
                        observed:
                            "\(seen.audio) Opus payloads decoded, \(seen.audioMatched) byte-identical to what was sent")
                }
            },
            ConformanceCase(
                id: side.id("4.2", "vp8-arrives"), title: "VP8 published over WHIP reaches the WHEP player",
                severity: .must,
                reference: side.reference("4.2", "the session carries every negotiated track (RFC 7741 VP8)"),
                requirement:
                    "When the target accepts a VP8 section from the publisher and offers one to the player, the VP8 payloads sent reach the player unchanged; INFO when the target does not take or offer video."
            ) { context in
                try await withPublisherAndPlayer(context, "vp8-\(side.rawValue)", video: true) { publisher, player in
                    guard publisher.sendsVideo else {
                        return .observed("the target did not accept the VP8 section of the publisher")
                    }
                    guard player.client.video != nil else {
                        return .observed("the target offered the player no VP8 section")
                    }
                    let seen = await player.waitFor(seconds: 5) { $0.video >= 5 }
                    try check(
                        seen.video >= 5, expected: "≥ 5 VP8 payloads (sent every 100 ms) within 5 s",
                        observed: "\(seen.video) VP8 payloads, \(seen.audio) audio")
                    return .pass(observed: "\(seen.video) VP8 payloads, \(seen.audio) audio")
                }
            },
            ConformanceCase(
                id: side.id("4.2", "delete-stops-media"),
                title: side.publishing
                    ? "after the publisher's DELETE its media no longer reaches players"
                    : "after the player's DELETE no more media is sent to it",
                severity: .must,
                reference: side.reference(
                    "4.2", "DELETE terminates the session; the server revokes consent (RFC 7675 §5.2)"),
                requirement: side.publishing
                    ? "Once DELETE on the publisher's session URL is answered, the packets the publisher keeps sending are no longer forwarded: the player receives nothing after a 0.5 s grace."
                    : "Once DELETE on the player's session URL is answered, the target stops sending to it: nothing arrives after a 0.5 s grace while the publisher goes on."
            ) { context in
                try await withPublisherAndPlayer(context, "delete-\(side.rawValue)", video: false) {
                    publisher, player in
                    let flowing = await player.waitFor(seconds: 5) { $0.audio >= 10 }
                    guard flowing.audio >= 10 else {
                        throw CaseStop.violated(
                            expected: "media flowing before the DELETE", observed: "\(flowing.audio) payloads")
                    }
                    let deleted = side.publishing ? publisher : player
                    guard let session = deleted.session else {
                        throw CaseStop.violated(expected: "a Location to DELETE", observed: "none")
                    }
                    let response = try await deleted.endpoint.delete(session)
                    try check(
                        (200..<300).contains(response.status), expected: "2xx to DELETE", observed: describe(response))
                    try? await Task.sleep(nanoseconds: UInt64(max(0.3, 0.5 * context.options.timeoutScale) * 1e9))
                    let before = await player.snapshot()
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                    let after = await player.snapshot()
                    try check(
                        after.audio == before.audio, expected: "no media in the second after the grace",
                        observed: "\(after.audio - before.audio) payloads arrived")
                    return .pass(observed: "\(flowing.audio) payloads before; none after the DELETE")
                }
            },
        ]
    }
}
