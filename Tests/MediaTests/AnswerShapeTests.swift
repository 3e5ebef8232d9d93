import ParleyCrypto
import ParleyMedia
import ParleyWire
import Testing

/// The answer checklist of docs/interop.md §1, checked on answers to offers shaped like Chrome's and aiortc's.
@Suite("SDP answers for WHIP and WHEP")
struct AnswerShapeTests {
    static let chromeOffer = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=video 9 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:abcd
        a=ice-pwd:abcdefghijklmnopqrstuvwx
        a=ice-options:trickle
        a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99
        a=setup:actpass
        a=mid:0
        a=sendonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 0
        c=IN IP4 0.0.0.0
        a=ice-ufrag:abcd
        a=ice-pwd:abcdefghijklmnopqrstuvwx
        a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99
        a=setup:actpass
        a=mid:1
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendonly
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=rtpmap:0 PCMU/8000

        """.replacingOccurrences(of: "\n", with: "\r\n")

    let local = LocalTransport(
        credentials: ICECredentials(ufrag: "srv12345", pwd: "0123456789abcdefghijklmnopqrstuv"),
        fingerprint: CertificateFingerprint(algorithm: .sha256, bytes: Array(repeating: 0xAB, count: 32)),
        candidates: [STUNAddress(ip: IPAddress("127.0.0.1")!, port: 9000)])

    @Test("WHIP answer: session ice-lite, BUNDLE kept, passive setup and rtcp-mux everywhere, offered PTs")
    func whipAnswer() throws {
        let offer = try SessionDescription.parse(Self.chromeOffer)
        let accepted = try SDPNegotiation.accept(offer: offer, intent: .publish)
        #expect(accepted.opusPayloadType == 111)
        #expect(accepted.tracks.map(\.mid) == ["0", "1"])
        #expect(accepted.codecNames == ["VP8", "opus"])
        let answer = SDPNegotiation.answer(offer: offer, accepted: accepted, local: local, outbound: [], sessionID: 1)
        let reparsed = try SessionDescription.parse(answer.serialize())
        #expect(reparsed.isICELite)
        #expect(reparsed.bundleGroup == ["0", "1"])
        #expect(reparsed.media.map(\.kind) == ["video", "audio"])
        #expect(reparsed.media.map(\.mid) == ["0", "1"])
        for section in reparsed.media {
            #expect(section.setup == .passive)
            #expect(section.rtcpMux)
            #expect(!section.attributes.contains(.iceLite))
            #expect(section.direction == .recvonly)
            #expect(section.icePwd == local.credentials.pwd)
            #expect(section.fingerprints.count == 1)
            #expect(section.candidates.first?.address == "127.0.0.1")
            #expect(section.hasEndOfCandidates)
            #expect(section.extmaps.isEmpty)
        }
        let video = reparsed.media[0]
        #expect(video.payloadTypes == [96, 97])
        #expect(video.fmtp(for: 97) == "apt=96")
        let audio = reparsed.media[1]
        #expect(audio.payloadTypes == [111])
        #expect(audio.rtpmaps.first?.channels == 2)
    }

    @Test("WHEP answer: sendonly with one a=msid stream and a=ssrc cname/msid per track, FID group for RTX")
    func whepAnswer() throws {
        let offer = try SessionDescription.parse(
            Self.chromeOffer.replacingOccurrences(of: "a=sendonly", with: "a=recvonly"))
        let accepted = try SDPNegotiation.accept(offer: offer, intent: .play)
        let video = OutboundStream(ssrc: 1_000, cname: "c", streamID: "s", trackID: "v", rtxSSRC: 1_001)
        let audio = OutboundStream(ssrc: 424_242, cname: "c", streamID: "s", trackID: "a")
        let answer = SDPNegotiation.answer(
            offer: offer, accepted: accepted, local: local, outbound: [video, audio], sessionID: 1)
        let sections = try SessionDescription.parse(answer.serialize()).media
        #expect(sections.map(\.direction) == [.sendonly, .sendonly])
        #expect(sections[1].ssrcs.first?.ssrc == 424_242)
        #expect(sections[1].ssrcs.first?.attributes.first?.name == "cname")
        #expect(sections[1].msid?.stream == "s")
        #expect(sections[0].msid?.stream == "s")
        #expect(sections[0].ssrcs.map(\.ssrc) == [1_000, 1_001])
        #expect(sections[0].ssrcGroups.first?.semantics == "FID")
        #expect(sections[0].ssrcGroups.first?.ssrcs == [1_000, 1_001])
    }

    @Test("unsupported offers are refused with a reason: no Opus, wrong direction, no rtcp-mux, passive setup")
    func refusals() throws {
        func refusal(_ edit: (String) -> String, _ intent: MediaIntent) throws -> String? {
            let offer = try SessionDescription.parse(edit(Self.chromeOffer))
            do {
                _ = try SDPNegotiation.accept(offer: offer, intent: intent)
                return nil
            } catch {
                return error.reason
            }
        }
        let audioOnly = { (text: String) in text.replacingOccurrences(of: "m=video 9", with: "m=text 9") }
        #expect(
            try refusal({ audioOnly($0).replacingOccurrences(of: "opus/48000/2", with: "G722/8000") }, .publish)?
                .contains("opus") == true)
        #expect(
            try refusal({ $0.replacingOccurrences(of: "VP8/90000", with: "VP9/90000") }, .publish) == nil,
            "the audio section alone is served")
        #expect(
            try refusal(
                {
                    $0.replacingOccurrences(of: "VP8/90000", with: "VP9/90000").replacingOccurrences(
                        of: "m=audio 9", with: "m=text 9")
                }, .publish)?.contains("neither VP8 nor H264") == true)
        #expect(try refusal({ $0 }, .play)?.contains("WHEP") == true)
        #expect(
            try refusal({ $0.replacingOccurrences(of: "a=sendonly", with: "a=recvonly") }, .publish)?.contains("WHIP")
                == true)
        #expect(
            try refusal({ $0.replacingOccurrences(of: "a=rtcp-mux\r\n", with: "") }, .publish)?.contains("rtcp-mux")
                == true)
        #expect(
            try refusal({ $0.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:passive") }, .publish)?
                .contains("setup") == true)
        #expect(
            try refusal({ audioOnly($0).replacingOccurrences(of: "m=audio 9", with: "m=text 9") }, .publish)?
                .contains("audio") == true)
    }
}
