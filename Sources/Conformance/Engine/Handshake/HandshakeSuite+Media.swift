import Foundation
import NIOCore
import ParleyWire

/// Cases that need DTLS and SRTP up: the certificate pin, DTLS retransmission, SRTP authentication and replay
/// protection seen through a player, and consent before media moves to another address.
extension HandshakeSuite {
    static func mediaCases() -> [ConformanceCase] {
        [
            ConformanceCase(
                id: "handshake/rfc8122-5/certificate-mismatch",
                title: "A DTLS client whose certificate does not match the offer's a=fingerprint is refused",
                severity: .must, reference: .rfc(8122, "5", "fingerprint attribute"),
                requirement:
                    "RFC 8122 §5 / RFC 5763 §5: the certificate presented in DTLS MUST match the fingerprint in the SDP, otherwise the endpoint MUST NOT establish the connection. The offer announces one certificate; the handshake presents another."
            ) { context in
                let (presented, announced) = try await HandshakeTarget.certificates(context)
                return try await MediaHarness.with(context, slug: "mismatch") { harness in
                    let client = try await harness.connect(sending: true, certificate: presented, announce: announced)
                    let phase = await harness.settle(client, within: 8)
                    switch phase {
                    case .connected:
                        return .violated(
                            expected: "the handshake aborted (alert or silence)",
                            observed: "DTLS completed and SRTP keys were exported with an unannounced certificate")
                    case .failed(let reason) where reason.hasPrefix("ICE"):
                        throw CaseStop.broken("ICE did not connect, so DTLS was never tried: \(reason)")
                    case .failed(let reason):
                        return .pass(observed: reason)
                    case .ice:
                        throw CaseStop.broken("ICE did not connect within 8 s, so DTLS was never tried")
                    case .dtls:
                        return .pass(observed: "no handshake completed within 8 s (the target stopped answering)")
                    }
                }
            },
            ConformanceCase(
                id: "handshake/rfc6347-4.2.4/retransmission",
                title: "The DTLS handshake completes when the target's first flights are lost",
                severity: .must, reference: .rfc(6347, "4.2.4", "timeout and retransmission"),
                requirement:
                    "RFC 6347 §4.2.4: DTLS recovers lost flights by retransmission (timer, or on the peer's retransmitted flight). The runner drops every DTLS datagram from the target for the first 1.5 s of the handshake; it must still complete."
            ) { context in
                let (certificate, _) = try await HandshakeTarget.certificates(context)
                let loss = LossWindow(seconds: 1.5)
                return try await MediaHarness.with(context, slug: "retransmit") { harness in
                    let client = try await harness.connect(
                        sending: true, certificate: certificate, filter: { bytes, now in loss.pass(bytes, now: now) })
                    let phase = await harness.settle(client, within: 10)
                    let dropped = await harness.onLoop { loss.dropped } ?? 0
                    switch phase {
                    case .connected where dropped > 0:
                        return .pass(observed: "connected after \(dropped) dropped DTLS datagram(s)")
                    case .connected:
                        throw CaseStop.broken("no DTLS datagram arrived in the loss window, nothing was tested")
                    case .failed(let reason) where reason.hasPrefix("ICE"):
                        throw CaseStop.broken("ICE did not connect: \(reason)")
                    default:
                        return .violated(
                            expected: "DTLS connected after retransmissions",
                            observed: "\(phase) after \(dropped) dropped datagram(s)")
                    }
                }
            },
            ConformanceCase(
                id: "handshake/rfc3711-3.3/tampered-and-replayed-not-forwarded",
                title: "A tampered and a replayed SRTP packet from the publisher never reach a player",
                severity: .must, reference: .rfc(3711, "3.3", "SRTP packet processing"),
                requirement:
                    "RFC 3711 §3.3: a receiver checks replay (§3.3.2) and authenticates (§3.3, step 5) before using a packet, and discards it on failure. Through an SFU: the player receives the original once, never the replay, never the altered packet, and no packet failing its own SRTP checks."
            ) { context in
                try await tamperedAndReplayed(context)
            },
            ConformanceCase(
                id: "handshake/rfc7675-5.1/no-redirect-without-consent",
                title: "A replayed nomination from a second address does not move a player's media there",
                severity: .must, reference: .rfc(7675, "5.1", "consent"),
                requirement:
                    "RFC 7675 §5.1: media goes only to an address that consented through ICE. A player's USE-CANDIDATE check replayed verbatim from another socket, and a USE-CANDIDATE check with a wrong MESSAGE-INTEGRITY from it, must not redirect the player's media; it keeps arriving where it did."
            ) { context in
                try await noRedirect(context)
            },
        ]
    }

    /// Publisher and one player connected, Opus flowing from a 20 ms timer; `body` runs with them.
    static func withFlow(
        _ context: CaseContext, slug: String,
        _ body: (MediaHarness, WebRTCClient, WebRTCClient, ArrivalLog) async throws -> CaseOutcome
    ) async throws -> CaseOutcome {
        let (certificate, _) = try await HandshakeTarget.certificates(context)
        let frames = try await HandshakeSuite.frames(context)
        return try await MediaHarness.with(context, slug: slug) { harness in
            let publisher = try await harness.connect(sending: true, certificate: certificate)
            try await harness.requireConnected(publisher, "publisher")
            let player = try await harness.connect(sending: false, certificate: certificate)
            let log = ArrivalLog()
            _ = await harness.onLoop { player.onMedia = { payload, _ in log.record(payload) } }
            // Frames from the middle of the source on; the case's own packets use the first ones.
            let sender = harness.loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(20)) { task in
                log.sent += 1
                publisher.sendFrame(frames[8 + log.sent % (frames.count - 8)])
            }
            defer { sender.cancel() }
            try await harness.requireConnected(player, "player")
            let deadline = Date().addingTimeInterval(5 * context.options.timeoutScale)
            while (await harness.onLoop { log.total } ?? 0) < 5, Date() < deadline {
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
            guard (await harness.onLoop { log.total } ?? 0) >= 5 else {
                throw CaseStop.broken("media did not reach the player within 5 s, nothing to judge")
            }
            return try await body(harness, publisher, player, log)
        }
    }

    static func tamperedAndReplayed(_ context: CaseContext) async throws -> CaseOutcome {
        let frames = try await HandshakeSuite.frames(context)
        return try await withFlow(context, slug: "srtp") { harness, publisher, player, log in
            let original = frames[0]
            let altered = frames[1]
            var flippedCopy = altered
            flippedCopy[min(2, flippedCopy.count - 1)] ^= 0x01 // AES-CM: a ciphertext bit flip flips that plaintext bit
            let flipped = flippedCopy
            let failuresBefore = await harness.onLoop { player.srtpFailures } ?? 0
            let sent = await harness.onLoop { () -> Bool in
                guard let once = publisher.protectedFrame(original), var changed = publisher.protectedFrame(altered)
                else { return false }
                publisher.sendRaw(once)
                changed[12 + min(2, altered.count - 1)] ^= 0x01
                publisher.sendRaw(changed)
                publisher.sendRaw(once) // the replay, after a later sequence number
                return true
            }
            guard sent == true else { throw CaseStop.broken("the publisher could not protect its packets") }
            try? await Task.sleep(nanoseconds: UInt64(1.5 * context.options.timeoutScale * 1e9))
            let counts = await harness.onLoop {
                (
                    log.count(original), log.count(altered) + log.count(flipped),
                    player.srtpFailures - failuresBefore
                )
            }
            guard let (originals, alterations, failures) = counts else { throw CaseStop.broken("the loop stopped") }
            if originals == 0 {
                throw CaseStop.broken("the unaltered packet did not arrive either, so the case cannot judge")
            }
            var wrong: [String] = []
            if originals > 1 { wrong.append("the replayed packet arrived (\(originals) copies)") }
            if alterations > 0 { wrong.append("the tampered packet arrived (\(alterations)×)") }
            if failures > 0 { wrong.append("\(failures) packet(s) at the player failed SRTP checks") }
            guard wrong.isEmpty else {
                return .violated(
                    expected: "the original once; no replay, no tampered packet",
                    observed: wrong.joined(separator: "; "))
            }
            return .pass(observed: "the original arrived once; the replay and the tampered packet did not")
        }
    }

    static func noRedirect(_ context: CaseContext) async throws -> CaseOutcome {
        try await withFlow(context, slug: "consent") { harness, _, player, log in
            let probe: UDPProbe
            do { probe = try await UDPProbe.bind() } catch {
                throw CaseStop.broken("cannot bind a UDP socket: \(error)")
            }
            defer { Task { await probe.close() } }
            let setup = await harness.onLoop { () -> ([UInt8], [UInt8], STUNAddress?) in
                let nomination = player.ice.checkRequest(transactionID: .random(), nominate: true)
                player.sendRaw(nomination)
                let forged = STUNMessage(
                    type: .bindingRequest, transactionID: .random(),
                    attributes: [
                        .username("\(player.ice.remote.ufrag):\(player.ice.local.ufrag)"),
                        .priority(ICEControllingAgent.checkPriority),
                        .iceControlling(tieBreaker: player.ice.tieBreaker), .useCandidate,
                    ]
                ).encode(integrityKey: STUNIntegrity.shortTermKey(password: "not-the-ice-pwd"), fingerprint: true)
                return (nomination, forged, player.ice.selected)
            }
            guard let (nomination, forged, serverAddress) = setup, let server = serverAddress else {
                throw CaseStop.broken("the player has no selected pair")
            }
            try? await Task.sleep(nanoseconds: 200_000_000)
            let before = await harness.onLoop { log.total } ?? 0
            probe.send(nomination, to: server)
            probe.send(forged, to: server)
            try? await Task.sleep(nanoseconds: UInt64(1.5 * context.options.timeoutScale * 1e9))
            let after = await harness.onLoop { log.total } ?? 0
            let media = probe.takeAll().filter { ($0.bytes.first ?? 0) >= 128 && ($0.bytes.first ?? 0) <= 191 }
            if !media.isEmpty {
                return .violated(
                    expected: "no media at the second address",
                    observed: "\(media.count) RTP/RTCP datagram(s) went to the second address")
            }
            guard after > before + 10 else {
                return .violated(
                    expected: "media keeps reaching the nominated address",
                    observed: "only \(after - before) packet(s) in 1.5 s after the replayed nomination")
            }
            return .pass(observed: "\(after - before) packets kept arriving at the player; none at the second address")
        }
    }

    /// A few hundred distinct Opus frames, encoded once per run.
    static func frames(_ context: CaseContext) async throws(CaseStop) -> [[UInt8]] {
        let frames: [[UInt8]]? = await context.memo.value("handshake-opus") { try? OpusFrameSource(count: 200).frames }
        guard let frames else { throw .broken("runner set-up: the Opus encoder failed") }
        return frames
    }
}

/// Payload fingerprints a player received; touched only on the harness loop.
final class ArrivalLog: @unchecked Sendable {
    var counts: [UInt64: Int] = [:]
    var total = 0
    var sent = 0

    func record(_ payload: ArraySlice<UInt8>) {
        counts[OpusFrameSource.fingerprint(payload), default: 0] += 1
        total += 1
    }

    func count(_ payload: [UInt8]) -> Int { counts[OpusFrameSource.fingerprint(payload[...])] ?? 0 }
}

/// Drops every DTLS datagram (first byte 20–63, RFC 7983 §7) for `seconds` from the first one; loop-confined.
final class LossWindow: @unchecked Sendable {
    let span: UInt64
    var startedAt: UInt64?
    var dropped = 0

    init(seconds: Double) { span = UInt64(seconds * 1e9) }

    func pass(_ bytes: [UInt8], now: UInt64) -> Bool {
        guard let first = bytes.first, (20...63).contains(first) else { return true }
        let start = startedAt ?? now
        startedAt = start
        guard now - start < span else { return true }
        dropped += 1
        return false
    }
}
