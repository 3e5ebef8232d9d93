import Foundation
import ParleyWire

/// How the handshake cases reach a target's WHIP/WHEP endpoints: the run's `--whip-path`/`--whep-path`, the
/// `--stream-key`s (`webrtc`, else `global`, as the whip/whep profiles pick them) and the Bearer token those
/// profiles show (minted with `--auth-secret` or from `--username`/`--password`).
enum HandshakeTarget {
    static func signaling(_ context: CaseContext) async -> MediaSignaling {
        let keys = ["publish", "subscribe"].compactMap { type in
            MonibucaV6Suite.streamKey(context, plugin: "webrtc", type: type).map { "webrtc:\(type):\($0)" }
        }
        let bearer = await WHIPWHEPEndpoint(context: context, side: .whip).bearerToken()
        return MediaSignaling(
            client: context.client, whipTemplate: context.options.whipPath, whepTemplate: context.options.whepPath,
            bearer: bearer, streamKeys: keys)
    }

    /// A fresh stream path per case, so cases never share a publisher.
    static func streamPath(_ slug: String) -> String {
        "conform/handshake-\(slug)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The run's one client certificate (key generation is the slow part) and a second one whose fingerprint a
    /// case may announce while presenting the first.
    static func certificates(_ context: CaseContext) async throws(CaseStop) -> (DTLSClientContext, DTLSClientContext) {
        let pair: (DTLSClientContext, DTLSClientContext)? = await context.memo.value("handshake-certificates") {
            guard let first = try? DTLSClientContext(), let second = try? DTLSClientContext() else { return nil }
            return (first, second)
        }
        guard let pair else { throw .broken("runner set-up: cannot make a DTLS client certificate") }
        return pair
    }
}

/// One WHIP publish session whose ICE the case drives by hand from a `UDPProbe`: no DTLS, just the server's
/// answer to STUN checks (RFC 8445 §7.3).
final class STUNSession: @unchecked Sendable {
    let probe: UDPProbe
    let signaling: MediaSignaling
    let session: MediaSignaling.Session
    let answer: ClientAnswer
    let local: ICEParameters
    let server: STUNAddress

    private init(
        probe: UDPProbe, signaling: MediaSignaling, session: MediaSignaling.Session, answer: ClientAnswer,
        local: ICEParameters, server: STUNAddress
    ) {
        self.probe = probe
        self.signaling = signaling
        self.session = session
        self.answer = answer
        self.local = local
        self.server = server
    }

    static func open(_ context: CaseContext, slug: String) async throws(CaseStop) -> STUNSession {
        let (certificate, _) = try await HandshakeTarget.certificates(context)
        let probe: UDPProbe
        do { probe = try await UDPProbe.bind() } catch { throw .broken("cannot bind a UDP socket: \(error)") }
        let signaling = await HandshakeTarget.signaling(context)
        let local = ICEParameters.random()
        let offer = ClientOffer(
            ice: local, fingerprint: certificate.fingerprint, sending: true, ssrc: UInt32.random(in: 1...UInt32.max),
            candidate: probe.local)
        do {
            let session = try await signaling.open(
                publishing: true, streamPath: HandshakeTarget.streamPath(slug), offer: offer.sdp)
            let answer = try ClientAnswer(sdp: session.answer)
            guard let server = answer.candidates.first(where: { $0.ip.isIPv4 }) else {
                await signaling.close(session)
                await probe.close()
                throw CaseStop.broken("the answer has no IPv4 candidate")
            }
            return STUNSession(
                probe: probe, signaling: signaling, session: session, answer: answer, local: local, server: server)
        } catch let stop as CaseStop {
            throw stop
        } catch {
            await probe.close()
            throw .broken("the WHIP publish the check needs failed: \(error)")
        }
    }

    func close() async {
        await signaling.close(session)
        await probe.close()
    }

    /// A connectivity check built like a full controlling agent's (RFC 8445 §7.2.2), with the parts a case wants
    /// wrong: USERNAME "server:client", PRIORITY, ICE-CONTROLLING (or ICE-CONTROLLED), MESSAGE-INTEGRITY keyed
    /// with `password` (default the server's), FINGERPRINT unless left out.
    func check(
        transactionID: STUNTransactionID = .random(), username: String? = nil, password: String? = nil,
        controlled: UInt64? = nil, nominate: Bool = false, fingerprint: Bool = true
    ) -> [UInt8] {
        var attributes: [STUNAttribute] = [
            .username(username ?? "\(answer.ice.ufrag):\(local.ufrag)"), .priority(ICEControllingAgent.checkPriority),
        ]
        if let controlled {
            attributes.append(.iceControlled(tieBreaker: controlled))
        } else {
            attributes.append(.iceControlling(tieBreaker: 0x5EED_0000_0000_0001))
        }
        if nominate { attributes.append(.useCandidate) }
        let message = STUNMessage(type: .bindingRequest, transactionID: transactionID, attributes: attributes)
        return message.encode(
            integrityKey: STUNIntegrity.shortTermKey(password: password ?? answer.ice.pwd), fingerprint: fingerprint)
    }

    /// Sends `request` (retransmitted as RFC 8489 §6.2.1 asks, here every 250 ms) until a response with its
    /// transaction id arrives or `seconds` pass.
    func exchange(_ request: [UInt8], within seconds: Double) async -> STUNReply? {
        guard let sent = try? STUNMessage.parse(request) else { return nil }
        let id = sent.transactionID
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            probe.send(request, to: server)
            let reply = await probe.receive(within: min(0.25, max(0, deadline.timeIntervalSinceNow))) { datagram in
                guard let message = try? STUNMessage.parse(datagram.bytes) else { return false }
                return message.transactionID == id
            }
            if let reply { return STUNReply(bytes: reply.bytes, from: reply.from, password: answer.ice.pwd) }
        }
        return nil
    }
}
