import Fixtures
import ParleyCrypto
import ParleyMedia
import ParleyWire
import Testing

@testable import ParleyConformance

/// The runner's client-side ICE, DTLS and SRTP pieces. The DTLS peer is the server's own endpoint: two
/// independent implementations must agree, and a wrong fingerprint must stop the client.
@Suite("runner WebRTC client")
struct WebRTCClientTests {
    let local = ICEParameters(ufrag: "loca", pwd: "local-password-0123456789")
    let remote = ICEParameters(ufrag: "remo", pwd: "remote-password-012345678")
    let server = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 9000)
    let other = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 9001)

    func agent() -> ICEControllingAgent {
        ICEControllingAgent(local: local, remote: remote, remoteCandidates: [server], tieBreaker: 42)
    }

    /// A success response as the server would send it: MESSAGE-INTEGRITY under the server's (remote) password.
    func success(to request: [UInt8], password: String? = nil) throws -> [UInt8] {
        let parsed = try STUNMessage.parse(request)
        return STUNMessage(
            type: .bindingSuccess, transactionID: parsed.transactionID, attributes: [.xorMappedAddress(other)]
        ).encode(integrityKey: STUNIntegrity.shortTermKey(password: password ?? remote.pwd), fingerprint: true)
    }

    @Test(
        "a check carries USERNAME remote:local, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY under the remote password and FINGERPRINT"
    )
    func checkConstruction() throws {
        let request = try STUNMessage.parse(
            agent().checkRequest(transactionID: STUNTransactionID.random(), nominate: true))
        #expect(request.type == .bindingRequest)
        #expect(request.username == "remo:loca")
        #expect(request.priority == ICEControllingAgent.checkPriority)
        #expect(request.iceControlling == 42)
        #expect(request.iceControlled == nil)
        #expect(request.hasUseCandidate)
        #expect(request.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: remote.pwd)))
        #expect(!request.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: local.pwd)))
        #expect(request.hasFingerprint && request.verifyFingerprint())
        let plain = try STUNMessage.parse(
            agent().checkRequest(transactionID: STUNTransactionID.random(), nominate: false))
        #expect(!plain.hasUseCandidate)
    }

    @Test(
        "regular nomination: a check, then USE-CANDIDATE on the pair that answered; forged or misrouted answers do not count"
    )
    func nomination() throws {
        let ice = agent()
        let first = try #require(ice.poll(now: 0))
        #expect(first.to == server)
        // Wrong password, wrong source address: ignored.
        _ = ice.handle(try success(to: first.bytes, password: "not-the-password-at-all"), from: server, now: 1)
        _ = ice.handle(try success(to: first.bytes), from: other, now: 1)
        #expect(ice.state == .checking)
        _ = ice.handle(try success(to: first.bytes), from: server, now: 1)
        #expect(ice.state == .nominating(server))
        let nominating = try #require(ice.poll(now: 2))
        #expect(try STUNMessage.parse(nominating.bytes).hasUseCandidate)
        // An answer to the earlier, non-nominating check does not complete nomination.
        _ = ice.handle(try success(to: first.bytes), from: server, now: 3)
        #expect(ice.state == .nominating(server))
        _ = ice.handle(try success(to: nominating.bytes), from: server, now: 3)
        #expect(ice.selected == server)
    }

    @Test("unanswered checks fail the agent; after nomination, consent expires 30 s after the last answer (RFC 7675)")
    func timeouts() throws {
        let silent = ICEControllingAgent(
            local: local, remote: remote, remoteCandidates: [server], checkTimeout: 1_000_000_000)
        var now: UInt64 = 0
        while now < 2_000_000_000 {
            _ = silent.poll(now: now)
            now += 50_000_000
        }
        guard case .failed = silent.state else { Issue.record("still \(silent.state)"); return }

        let ice = agent()
        let check = try #require(ice.poll(now: 0))
        _ = ice.handle(try success(to: check.bytes), from: server, now: 0)
        let nominate = try #require(ice.poll(now: 0))
        _ = ice.handle(try success(to: nominate.bytes), from: server, now: 0)
        now = 0
        var consentChecks = 0
        while now <= 31_000_000_000, ice.selected != nil {
            if let request = ice.poll(now: now) {
                consentChecks += 1
                #expect(request.to == server)
            }
            now += 100_000_000
        }
        #expect(consentChecks >= 5) // every 4–6 s
        guard case .failed(let reason) = ice.state else { Issue.record("still \(ice.state)"); return }
        #expect(reason.contains("consent"))
    }

    @Test("a full peer's check is answered only with the right USERNAME and MESSAGE-INTEGRITY")
    func answersPeerChecks() throws {
        let ice = agent()
        func request(username: String, password: String) -> [UInt8] {
            STUNMessage(
                type: .bindingRequest, transactionID: STUNTransactionID.random(),
                attributes: [.username(username), .iceControlled(tieBreaker: 7), .priority(1)]
            ).encode(integrityKey: STUNIntegrity.shortTermKey(password: password), fingerprint: true)
        }
        let reply = try #require(ice.handle(request(username: "loca:remo", password: local.pwd), from: other, now: 0))
        let parsed = try STUNMessage.parse(reply)
        #expect(parsed.type == .bindingSuccess)
        #expect(parsed.xorMappedAddress == other)
        #expect(parsed.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: local.pwd)))
        #expect(ice.handle(request(username: "remo:loca", password: local.pwd), from: other, now: 0) == nil)
        #expect(ice.handle(request(username: "loca:remo", password: remote.pwd), from: other, now: 0) == nil)
    }

    /// Runs the client against the server's DTLS endpoint until both are quiet.
    func handshake(_ client: DTLSClientSession, _ peer: DTLSEndpoint) {
        client.start()
        for _ in 0..<20 {
            let toServer = client.takeOutput()
            for datagram in toServer { peer.handle(datagram: datagram, now: .zero) }
            var toClient: [[UInt8]] = []
            while let datagram = peer.pollOutput() { toClient.append(datagram) }
            for datagram in toClient { client.receive(datagram) }
            if toServer.isEmpty && toClient.isEmpty { break }
        }
    }

    @Test(
        "DTLS against the server's endpoint: keys agree and SRTP crosses; a certificate that does not match the answer's fingerprint is refused"
    )
    func dtls() throws {
        let context = try DTLSClientContext()
        let serverCertificate = try SelfSignedCertificate.generate(commonName: "server", validityDays: 1)
        let serverContext = try DTLSContext(certificate: serverCertificate)
        func peer() throws -> DTLSEndpoint {
            try DTLSEndpoint(
                context: serverContext, role: .server, remoteFingerprints: [context.fingerprint], now: .zero)
        }

        let good = try DTLSClientSession(context: context, expected: [serverCertificate.fingerprint])
        let server = try peer()
        handshake(good, server)
        #expect(good.state == .connected)
        let keys = try #require(good.keys)
        let material = try #require(server.srtpKeyingMaterial)
        let serverSide = material.localMasterKey(for: .server)
        #expect(keys.remoteKeyAndSalt == serverSide.key + serverSide.salt)
        // The server's half of the export, as a mirrored session: what the client protects, it opens.
        let clientSide = material.remoteMasterKey(for: .server)
        let mirrored = ExportedSRTPKeys(
            profileID: material.profile.rawValue, localKeyAndSalt: serverSide.key + serverSide.salt,
            remoteKeyAndSalt: clientSide.key + clientSide.salt)
        #expect(keys.localKeyAndSalt == mirrored.remoteKeyAndSalt)
        let srtp = try SRTPClientSession(keys: keys)
        let serverSRTP = try SRTPClientSession(keys: mirrored)
        let packet = RTPPacket(payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 1234, payload: [1, 2, 3, 4])
        let protected = try srtp.protectRTP(packet.encode())
        #expect(protected.count == packet.encode().count + 10) // the 80-bit tag (RFC 3711 §4.2)
        #expect(try serverSRTP.unprotectRTP(protected) == packet.encode())
        var tampered = protected
        tampered[tampered.count - 12] ^= 1
        #expect(throws: SRTPFailure.self) { try serverSRTP.unprotectRTP(tampered) }

        let otherCertificate = try SelfSignedCertificate.generate(commonName: "impostor", validityDays: 1)
        let pinnedElsewhere = try DTLSClientSession(context: context, expected: [otherCertificate.fingerprint])
        handshake(pinnedElsewhere, try peer())
        guard case .failed(let reason) = pinnedElsewhere.state else {
            Issue.record("a mismatched fingerprint was accepted: \(pinnedElsewhere.state)")
            return
        }
        #expect(reason.contains("fingerprint mismatch"))
        #expect(pinnedElsewhere.keys == nil)
    }

    @Test("the offer parses as SDP with what WHIP needs; an answer without passive setup or candidates is refused")
    func offerAndAnswer() throws {
        let fingerprint = try DTLSClientContext().fingerprint
        let offer = ClientOffer(ice: local, fingerprint: fingerprint, sending: true, ssrc: 99, candidate: other)
        let parsed = try SessionDescription.parse(offer.sdp)
        let audio = try #require(parsed.media.first)
        #expect(audio.effectiveDirection == .sendonly)
        #expect(audio.rtcpMux)
        #expect(parsed.setup(for: audio) == .actpass)
        #expect(audio.opusCodec?.payloadType == ClientOffer.opusPayloadType)
        #expect(audio.candidates.first?.port == other.port)

        let answer = """
            v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 109\r\n\
            c=IN IP4 127.0.0.1\r\na=mid:0\r\na=ice-ufrag:remo\r\na=ice-pwd:\(remote.pwd)\r\n\
            a=fingerprint:\(fingerprint.sdpValue)\r\na=setup:passive\r\na=recvonly\r\na=rtcp-mux\r\n\
            a=rtpmap:109 opus/48000/2\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9000 typ host\r\n
            """
        let usable = try ClientAnswer(sdp: answer)
        #expect(usable.candidates == [server])
        #expect(usable.opusPayloadType == 109)
        #expect(usable.ice == remote)
        #expect(throws: ClientAnswer.Unusable.self) {
            try ClientAnswer(sdp: answer.replacingOccurrences(of: "a=setup:passive", with: "a=setup:active"))
        }
        #expect(throws: ClientAnswer.Unusable.self) {
            try ClientAnswer(
                sdp: answer.replacingOccurrences(
                    of: "a=candidate:1 1 udp 2130706431 127.0.0.1 9000 typ host\r\n", with: ""))
        }
    }

    @Test("with video the offer bundles a VP8 section (RFC 7741) and the answer's VP8 payload type is read")
    func videoOffer() throws {
        let fingerprint = try DTLSClientContext().fingerprint
        let offer = ClientOffer(
            ice: local, fingerprint: fingerprint, sending: false, ssrc: 5, candidate: other, videoSSRC: 6)
        let parsed = try SessionDescription.parse(offer.sdp)
        #expect(parsed.bundleGroup == ["0", "1"])
        let video = try #require(parsed.media.last)
        #expect(video.kind == "video" && video.effectiveDirection == .recvonly && video.mid == "1")
        #expect(video.codecs.first?.rtpmap?.encodingName == "VP8")
        #expect(video.ssrcs.isEmpty) // a player announces no source

        let withVideo = offer.sdp.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:passive")
            .replacingOccurrences(of: "a=recvonly", with: "a=sendonly")
        let answer = try ClientAnswer(sdp: withVideo)
        #expect(answer.vp8PayloadType == ClientOffer.vp8PayloadType)

        let payloads = VP8PayloadSource(count: 50).payloads
        #expect(Set(payloads).count == 50 && payloads.allSatisfy { $0.count == 1_200 })
        // RFC 7741 §4.2 descriptor S=1, then an RFC 6386 §9.1 key frame: P bit clear, start code 9d 01 2a.
        #expect(
            payloads[0][0] == 0x10 && payloads[0][1] & 0x01 == 0 && Array(payloads[0][4..<7]) == [0x9D, 0x01, 0x2A])
    }

    @Test(
        "frames are distinct by payload; the tracker counts duplicates, reordering and the window; percentiles are nearest-rank"
    )
    func measurement() throws {
        let source = try OpusFrameSource(count: 300)
        #expect(source.slots.count == 300)
        #expect(Set(source.frames).count == 300)

        var tracker = PlayerTracker()
        let window = 2..<6
        for index in [0, 1, 2, 4, 3, 3, 5, 7] {
            tracker.record(index: index, sentAt: 1_000, arrival: 1_000 + UInt64(index + 1) * 1_000_000, window: window)
        }
        #expect(tracker.duplicates == 1)
        #expect(tracker.reordered == 1)
        #expect(tracker.receivedInWindow == 4)
        #expect(tracker.discarded == 3)
        #expect(tracker.samples.sorted() == [3_000, 4_000, 5_000, 6_000])

        let summary = LatencySummary(microseconds: (1...100).map { UInt32($0 * 1_000) })
        #expect(summary.p50Ms == 50 && summary.p95Ms == 95 && summary.p99Ms == 99 && summary.maxMs == 100)

        var reception = ReceptionStatistics()
        for sequence: UInt16 in [65_534, 65_535, 1, 2] {
            reception.record(sequence: sequence, rtpTimestamp: 0, arrival: 0)
        }
        let block = reception.reportBlock(for: 5)
        #expect(block.extendedHighestSequence == 65_536 + 2)
        #expect(block.cumulativeLost == 1)
    }
}
