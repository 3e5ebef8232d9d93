import Fixtures
import Testing
@testable import ParleyWire

@Suite("SDP parse and serialize")
struct SDPTests {
    @Test("Chromium offer: session BUNDLE/msid-semantic/extmap-allow-mixed and both sections' transport attributes")
    func chromiumSessionAndTransport() throws {
        let offer = try SessionDescription.parse(SDPSamples.chromiumOffer)
        try #require(offer.media.count == 2)
        #expect(offer.origin.sessionID == "4611731400430051336")
        #expect(offer.origin.sessionVersion == 2)
        #expect(offer.bundleGroup == ["0", "1"])
        #expect(offer.extmapAllowMixed)
        #expect(offer.msidSemantic?.semantics == "WMS")
        #expect(offer.msidSemantic?.identifiers == [])
        #expect(!offer.isICELite)
        #expect(offer.media.map(\.kind) == ["audio", "video"])
        for section in offer.media {
            #expect(section.rtcpMux && section.rtcpReducedSize)
            #expect(section.setup == .actpass)
            #expect(section.iceOptions == ["trickle"])
            #expect(section.effectiveDirection == .sendrecv)
            #expect(offer.iceCredentials(for: section)?.ufrag == "Xk9q")
            #expect(offer.iceCredentials(for: section)?.pwd == "7qT2+uV0/wYb3cZd9eFg1hJk")
            #expect(section.fingerprints.map(\.hashFunction) == ["sha-256"])
            #expect(section.fingerprints.first?.bytes.count == 32)
            #expect(section.fingerprints.first?.bytes.prefix(2) == [0xD2, 0xFA])
        }
        #expect(offer.media[0].mid == "0")
        #expect(offer.media[1].mid == "1")
        // Unknown attributes stay, in place.
        #expect(offer.media[0].otherAttributes(named: "rtcp") == ["9 IN IP4 0.0.0.0"])
    }

    @Test("Chromium offer: codecs join rtpmap, fmtp and rtcp-fb per payload type; extmaps, msid and SSRCs are read")
    func chromiumMedia() throws {
        let offer = try SessionDescription.parse(SDPSamples.chromiumOffer)
        try #require(offer.media.count == 2)
        let audio = offer.media[0], video = offer.media[1]
        #expect(audio.payloadTypes == [111, 63, 9, 0, 8, 13, 110, 126])
        let opus = try #require(audio.codecs.first)
        #expect(opus.rtpmap == SDPRTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(opus.fmtp == "minptime=10;useinbandfec=1")
        #expect(opus.feedback == [SDPRTCPFeedback(payloadType: 111, type: "transport-cc")])
        #expect(SDPAttribute.fmtpParameters(opus.fmtp ?? "").map(\.key) == ["minptime", "useinbandfec"])
        #expect(audio.extmaps.map(\.id) == [1, 2, 3, 4])
        #expect(audio.extmaps.last?.uri == "urn:ietf:params:rtp-hdrext:sdes:mid")
        #expect(audio.msid?.stream == "-k7Hc2")
        #expect(audio.ssrcs.first?.ssrc == 3_735_928_559)
        #expect(audio.ssrcs.first?.attributes.first?.name == "cname")
        #expect(audio.ssrcs.first?.attributes.first?.value == "Q2hyb21pdW1DbmFtZQ")

        let vp8 = try #require(video.codecs.first)
        #expect(
            vp8.feedback.map { [$0.type, $0.parameter ?? ""] } == [
                ["goog-remb", ""], ["transport-cc", ""], ["ccm", "fir"], ["nack", ""], ["nack", "pli"],
            ])
        let h264 = try #require(video.codecs.first { $0.payloadType == 102 })
        #expect(h264.fmtp == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f")
        #expect(video.codecs.first { $0.payloadType == 45 }?.rtpmap?.encodingName == "AV1")
        #expect(video.ssrcGroups.first?.semantics == "FID")
        #expect(video.ssrcGroups.first?.ssrcs == [2_882_400_001, 2_882_400_002])
        #expect(video.ssrcs.count == 2)
        #expect(video.ssrcs[0].attributes.map(\.name) == ["cname", "msid"])
        #expect(video.ssrcs[0].attributes[1].value == "-k7Hc2 5a6b7c8d-9e0f-4a1b-2c3d-4e5f6a7b8c9d")
        #expect(video.extmaps.first { $0.id == 10 }?.uri == "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id")
    }

    @Test("Chromium offer: mDNS host candidates with generation, network-id and tcptype are read")
    func chromiumCandidates() throws {
        let offer = try SessionDescription.parse(SDPSamples.chromiumOffer)
        try #require(offer.media.count == 2)
        let candidates = offer.media[0].candidates
        #expect(candidates.count == 2)
        #expect(candidates[0].address == "3b8f5a52-9c8e-4d2b-a1f0-6c7e2d9b4a11.local")
        #expect(candidates[0].priority == 2_122_260_223)
        #expect(candidates[0].generation == 0)
        #expect(candidates[0].extensions == [.init(name: "network-id", value: "1")])
        #expect(candidates[1].transport == "tcp")
        #expect(candidates[1].tcpType == "active")
    }

    @Test("aiortc offer: real ports, three fingerprints, srflx candidate, end-of-candidates, msid-semantic WMS *")
    func aiortcOffer() throws {
        let offer = try SessionDescription.parse(SDPSamples.aiortcOffer)
        try #require(offer.media.count == 2)
        #expect(offer.msidSemantic?.identifiers == ["*"])
        let audio = offer.media[0]
        #expect(audio.port == 51234)
        #expect(audio.connection?.address == "192.168.1.20")
        #expect(audio.fingerprints.map(\.hashFunction) == ["sha-256", "sha-384", "sha-512"])
        #expect(audio.fingerprints.map(\.bytes.count) == [32, 48, 64])
        #expect(audio.hasEndOfCandidates)
        let srflx = try #require(audio.candidates.last)
        #expect(srflx.type == "srflx")
        #expect(srflx.relatedAddress == "192.168.1.20")
        #expect(srflx.relatedPort == 51234)
        #expect(audio.codecs.first?.rtpmap?.encodingName == "opus")
        #expect(audio.codecs.first?.fmtp == nil)
        let video = offer.media[1]
        #expect(video.codecs.map(\.payloadType) == [97, 98, 99, 100, 101, 102])
        #expect(video.fmtp(for: 101) == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        #expect(video.extmaps.map(\.id) == [1, 3])
    }

    @Test("parse → serialize → parse gives an equal model, with CRLF line endings only")
    func roundTrip() throws {
        for text in [SDPSamples.chromiumOffer, SDPSamples.aiortcOffer] {
            let first = try SessionDescription.parse(text)
            let serialized = first.serialize()
            #expect(try SessionDescription.parse(serialized) == first)
            #expect(serialized.hasSuffix("\r\n"))
            #expect(!serialized.replacingCRLF.contains("\r") && !serialized.replacingCRLF.contains("\n"))
        }
        // Chromium's text is already canonical for this serializer except msid-semantic, which it writes identically.
        #expect(try SessionDescription.parse(SDPSamples.chromiumOffer).serialize() == SDPSamples.chromiumOffer)
    }

    @Test("an ICE-lite answer built from the model serializes to the expected lines")
    func buildAnswer() throws {
        var audio = MediaDescription(kind: "audio", formats: ["111"], connection: SDPConnection())
        audio.attributes = [
            .mid("0"), .iceUfrag("sfu1"), .icePwd("abcdefghijklmnopqrstuv"),
            .fingerprint(SDPFingerprint(hashFunction: "sha-256", bytes: [0xAB, 0x01])), .setup(.passive),
            .direction(.recvonly), .rtcpMux,
            .rtpmap(SDPRTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2)),
            .fmtp(payloadType: 111, parameters: "minptime=10;useinbandfec=1"),
            .rtcpFeedback(SDPRTCPFeedback(payloadType: 111, type: "nack")),
            .extmap(SDPExtmap(id: 4, uri: "urn:ietf:params:rtp-hdrext:sdes:mid")),
            .candidate(
                ICECandidate(
                    foundation: "1",
                    priority: ICECandidate.priority(typePreference: 126, localPreference: 65535, component: 1),
                    address: "127.0.0.1", port: 40000)),
            .endOfCandidates,
        ]
        let answer = SessionDescription(
            origin: SDPOrigin(sessionID: "1", sessionVersion: 1),
            attributes: [
                .iceLite, .group(semantics: "BUNDLE", identificationTags: ["0"]),
                .msidSemantic(semantics: "WMS", identifiers: ["*"]),
            ],
            media: [audio])
        #expect(
            answer.serialize() == """
                v=0\r
                o=- 1 1 IN IP4 127.0.0.1\r
                s=-\r
                t=0 0\r
                a=ice-lite\r
                a=group:BUNDLE 0\r
                a=msid-semantic: WMS *\r
                m=audio 9 UDP/TLS/RTP/SAVPF 111\r
                c=IN IP4 0.0.0.0\r
                a=mid:0\r
                a=ice-ufrag:sfu1\r
                a=ice-pwd:abcdefghijklmnopqrstuv\r
                a=fingerprint:sha-256 AB:01\r
                a=setup:passive\r
                a=recvonly\r
                a=rtcp-mux\r
                a=rtpmap:111 opus/48000/2\r
                a=fmtp:111 minptime=10;useinbandfec=1\r
                a=rtcp-fb:111 nack\r
                a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r
                a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r
                a=end-of-candidates\r

                """)
        let reparsed = try SessionDescription.parse(answer.serialize())
        #expect(reparsed == answer)
        #expect(reparsed.isICELite)
    }

    @Test("bad lines are rejected with the line number that holds them")
    func badLinesNamed() {
        func lineOfError(_ text: String) -> Int? {
            do {
                _ = try SessionDescription.parse(text)
                return nil
            } catch {
                return error.line
            }
        }
        let head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
        #expect(lineOfError("v=1\r\n") == 1)
        #expect(lineOfError("v=0\r\ns=-\r\n") == 2)
        #expect(lineOfError("v=0\r\no=- x 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n") == 2)
        #expect(lineOfError("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=ice-lite\r\n") == 5) // no t=
        #expect(lineOfError(head + "garbage\r\n") == 5)
        #expect(lineOfError(head + "m=audio nine UDP/TLS/RTP/SAVPF 0\r\n") == 5)
        #expect(lineOfError(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n") == 6)
        #expect(
            lineOfError(
                head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=candidate:1 1 udp 5 1.2.3.4 99999 typ host\r\n")
                == 7)
        #expect(lineOfError(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 ZZ:01\r\n") == 6)
        #expect(lineOfError(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:sideways\r\n") == 6)
        #expect(lineOfError(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n") == 6)
        #expect(lineOfError(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc:abc cname:x\r\n") == 6)
        #expect(lineOfError(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nt=0 0\r\n") == 6)
        #expect(lineOfError(head + "\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n") == 5)
        #expect(lineOfError(head) == nil)
    }

    @Test("every prefix of the Chromium and aiortc offers parses or throws, never traps")
    func truncationNeverTraps() {
        for text in [SDPSamples.chromiumOffer, SDPSamples.aiortcOffer] {
            let bytes = Array(text.utf8)
            let headerEnd = text.utf8.count - (text.split(separator: "t=0 0\r\n", maxSplits: 1).last?.utf8.count ?? 0)
            for length in 0...bytes.count {
                let prefix = String(decoding: bytes.prefix(length), as: UTF8.self)
                let parsed = (try? SessionDescription.parse(prefix)) != nil
                // Whole-line prefixes from t= on are complete descriptions; cut lines may or may not parse.
                if length >= headerEnd, length >= 2, bytes[length - 2] == 13, bytes[length - 1] == 10 {
                    #expect(parsed, "prefix of \(length) bytes")
                }
            }
        }
    }

    @Test("random printable garbage in attribute values never traps")
    func randomAttributeValues() {
        var random = SeededGenerator(seed: 8866)
        let names = [
            "candidate", "rtpmap", "fmtp", "rtcp-fb", "extmap", "fingerprint", "ssrc", "ssrc-group", "msid",
            "rid", "simulcast", "group", "setup", "msid-semantic", "ice-options",
        ]
        let alphabet = Array(" :/;,=~*-.0123456789abcdefsendrecvtyp")
        for _ in 0..<3000 {
            let name = names[random.int(below: names.count)]
            let value = String((0..<random.int(below: 30)).map { _ in alphabet[random.int(below: alphabet.count)] })
            _ = try? SessionDescription.parse(
                "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\na=\(name):\(value)\r\n")
        }
    }

    @Test("RFC 8840 trickle-ice-sdpfrag: credentials, m= section with mid, candidates and end-of-candidates")
    func trickleFragment() throws {
        let fragment = try SDPFragment.parse(SDPSamples.trickleFragment)
        #expect(fragment.iceUfrag == "EsAw")
        #expect(fragment.icePwd == "P2uYro0UCOQ4zxjKXaWCBui1")
        try #require(fragment.media.count == 1)
        #expect(fragment.media[0].mid == "0")
        #expect(fragment.media[0].candidates.map(\.type) == ["host", "srflx"])
        #expect(fragment.media[0].hasEndOfCandidates)
        #expect(try SDPFragment.parse(fragment.serialize()) == fragment)
        #expect(fragment.serialize() == SDPSamples.trickleFragment)
        #expect(throws: SDPError(line: 1, reason: "only a= lines may precede m= in an sdpfrag")) {
            try SDPFragment.parse("v=0\r\n")
        }
    }

    @Test("candidate text with or without the candidate: prefix; RFC 8445 priority formula")
    func candidates() throws {
        let text =
            "candidate:842163049 1 udp 1677729535 203.0.113.9 3478 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 4ZcD network-cost 999"
        let candidate = try ICECandidate(parsing: text)
        #expect(candidate.foundation == "842163049")
        #expect(candidate.relatedAddress == "0.0.0.0")
        #expect(candidate.relatedPort == 0)
        #expect(candidate.extensions.map(\.name) == ["ufrag", "network-cost"])
        #expect(try ICECandidate(parsing: candidate.sdpValue) == candidate)
        #expect(throws: SDPError.self) { try ICECandidate(parsing: "1 1 udp 1 1.2.3.4 5 host") }
        #expect(throws: SDPError.self) { try ICECandidate(parsing: "1 1 udp 1 1.2.3.4 5 typ host raddr") }
        #expect(ICECandidate.priority(typePreference: 126, localPreference: 65535, component: 1) == 2_130_706_431)
    }

    @Test("simulcast and rid are read (read-only)")
    func simulcastAndRid() throws {
        let text =
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
            + "a=rid:q send\r\na=rid:h send max-width=640\r\na=rid:f send\r\na=simulcast:send q;h,~f\r\n"
        let video = try #require(try SessionDescription.parse(text).media.first)
        #expect(video.rids.map(\.id) == ["q", "h", "f"])
        #expect(video.rids[1].restrictions == "max-width=640")
        let simulcast = try #require(video.simulcast)
        #expect(simulcast.send.map { $0.map(\.rid) } == [["q"], ["h", "f"]])
        #expect(simulcast.send[1][1].paused)
        #expect(simulcast.receive.isEmpty)
    }
}

extension String {
    var replacingCRLF: String { split(separator: "\r\n", omittingEmptySubsequences: false).joined() }
}
