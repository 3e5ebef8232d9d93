import ParleyCrypto
import ParleyMedia
import ParleyWire
import Testing

/// Video through the SFU: VP8 and H264 (packetization-mode 1) accepted with their RTX and feedback, and WHEP
/// offers matched to the publisher's codecs with the player's own payload types (RFC 6184 §8.1, RFC 8829 §5.3).
@Suite("SDP negotiation of video: codecs, H264 profiles, WHEP matching")
struct VideoNegotiationTests {
    let local = LocalTransport(
        credentials: ICECredentials(ufrag: "srv12345", pwd: "0123456789abcdefghijklmnopqrstuv"),
        fingerprint: CertificateFingerprint(algorithm: .sha256, bytes: Array(repeating: 0xAB, count: 32)),
        candidates: [STUNAddress(ip: IPAddress("127.0.0.1")!, port: 9000)])

    /// An offer with an audio section (Opus on `opus`, unless nil) and a video section of `video` lines.
    static func offer(direction: String, opus: UInt8? = 111, video: [String]?) throws -> SessionDescription {
        var lines = [
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=msid-semantic: WMS",
        ]
        let transport = [
            "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            "a=fingerprint:sha-256 " + Array(repeating: "AA", count: 32).joined(separator: ":"), "a=setup:actpass",
            "a=\(direction)", "a=rtcp-mux", "a=rtcp-rsize",
        ]
        if let opus {
            lines +=
                ["m=audio 9 UDP/TLS/RTP/SAVPF \(opus) 0"] + transport + [
                    "a=mid:0", "a=rtpmap:\(opus) opus/48000/2", "a=fmtp:\(opus) minptime=10;useinbandfec=1",
                    "a=rtcp-fb:\(opus) transport-cc", "a=rtpmap:0 PCMU/8000",
                ]
        } else {
            lines += ["m=audio 9 UDP/TLS/RTP/SAVPF 0"] + transport + ["a=mid:0", "a=rtpmap:0 PCMU/8000"]
        }
        if let video {
            let formats = video.compactMap { line -> String? in
                guard line.hasPrefix("a=rtpmap:") else { return nil }
                return String(line.dropFirst(9).prefix { $0 != " " })
            }
            lines += ["m=video 9 UDP/TLS/RTP/SAVPF " + formats.joined(separator: " ")] + transport + ["a=mid:1"]
            lines += video
        }
        return try SessionDescription.parse(lines.joined(separator: "\r\n") + "\r\n")
    }

    /// Chrome's video section: VP8 96/rtx 97, H264 102 (42001f pm1), 104 (42001f pm0), 108 (42e01f pm1),
    /// 112 (4d001f pm1), each with Chrome's feedback.
    static let chromeVideo: [String] = {
        var lines: [String] = []
        func codec(_ pt: Int, _ name: String, _ fmtp: String?, rtx: Int) {
            lines.append("a=rtpmap:\(pt) \(name)/90000")
            for feedback in ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"] {
                lines.append("a=rtcp-fb:\(pt) \(feedback)")
            }
            if let fmtp { lines.append("a=fmtp:\(pt) \(fmtp)") }
            lines.append("a=rtpmap:\(rtx) rtx/90000")
            lines.append("a=fmtp:\(rtx) apt=\(pt)")
        }
        codec(96, "VP8", nil, rtx: 97)
        codec(102, "H264", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f", rtx: 103)
        codec(104, "H264", "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f", rtx: 105)
        codec(108, "H264", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", rtx: 109)
        codec(112, "H264", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f", rtx: 113)
        return lines
    }()

    static func h264Only(_ lines: [String], keeping pts: Set<String>) -> [String] {
        lines.filter { line in
            guard let colon = line.firstIndex(of: ":") else { return true }
            let pt = line[line.index(after: colon)...].prefix { $0 != " " }
            return pts.contains(String(pt))
        }
    }

    @Test("WHIP VP8: the answer keeps nack, nack pli, ccm fir, goog-remb and the RTX of VP8, not transport-cc")
    func vp8Publish() throws {
        let offer = try Self.offer(direction: "sendonly", video: Self.chromeVideo)
        let accepted = try SDPNegotiation.accept(offer: offer, intent: .publish)
        let video = try #require(accepted.track(.video))
        #expect(video.codec.family == .vp8)
        #expect(video.codec.payloadType == 96)
        #expect(video.codec.rtxPayloadType == 97)
        let answer = try SessionDescription.parse(
            SDPNegotiation.answer(offer: offer, accepted: accepted, local: local, outbound: [], sessionID: 1)
                .serialize())
        let section = answer.media[1]
        #expect(section.payloadTypes == [96, 97])
        let feedback = Set(section.codecs[0].feedback.map { $0.type + ($0.parameter.map { " " + $0 } ?? "") })
        #expect(feedback == ["goog-remb", "ccm fir", "nack", "nack pli"])
        #expect(section.codecs[1].rtpmap?.encodingName == "rtx")
        #expect(section.codecs[1].fmtp == "apt=96")
        #expect(answer.media[0].codecs.first?.feedback.isEmpty == true, "no transport-cc for audio either")
    }

    @Test("WHIP H264: packetization-mode 0 is skipped, the offered profile is answered as offered")
    func h264Publish() throws {
        let lines = Self.h264Only(Self.chromeVideo, keeping: ["104", "105", "108", "109"])
        let offer = try Self.offer(direction: "sendonly", video: lines)
        let accepted = try SDPNegotiation.accept(offer: offer, intent: .publish)
        let codec = try #require(accepted.track(.video)?.codec)
        #expect(codec.payloadType == 108)
        #expect(codec.h264Profile?.description == "42e01f")
        #expect(codec.rtxPayloadType == 109)
        let answer = SDPNegotiation.answer(offer: offer, accepted: accepted, local: local, outbound: [], sessionID: 1)
        #expect(
            answer.media[1].fmtp(for: 108) == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        // Only mode 0 offered: no video codec.
        let modeZero = try Self.offer(
            direction: "sendonly", opus: nil, video: Self.h264Only(Self.chromeVideo, keeping: ["104"]))
        #expect(throws: NegotiationRefusal.self) { try SDPNegotiation.accept(offer: modeZero, intent: .publish) }
    }

    @Test("profile-level-id: profile_idc and constraint flags must match, the level may differ")
    func profileMatching() throws {
        let publisher = try #require(H264ProfileLevelID(hex: "42e01f"))
        #expect(publisher.sameProfile(as: try #require(H264ProfileLevelID(hex: "42e00d"))))
        #expect(publisher.sameProfile(as: try #require(H264ProfileLevelID(hex: "42E034"))))
        #expect(!publisher.sameProfile(as: try #require(H264ProfileLevelID(hex: "42001f"))))
        #expect(!publisher.sameProfile(as: try #require(H264ProfileLevelID(hex: "4d001f"))))
        #expect(H264ProfileLevelID(hex: "42e01") == nil)
        #expect(H264ProfileLevelID(hex: "xx0000") == nil)
    }

    @Test("WHEP: the player's own payload type for the publisher's codec, and its fmtp for H264")
    func payloadTypeMapping() throws {
        // The publisher (aiortc-like) sends VP8 on 97 and Opus on 96.
        let publishing = [
            NegotiatedCodec(family: .opus, payloadType: 96, clockRate: 48_000, channels: 2),
            NegotiatedCodec(family: .vp8, payloadType: 97, clockRate: 90_000, rtxPayloadType: 98),
        ]
        let offer = try Self.offer(direction: "recvonly", video: Self.chromeVideo)
        let matched = try SDPNegotiation.match(
            try SDPNegotiation.accept(offer: offer, intent: .play), publishing: publishing)
        #expect(matched.track(.video)?.codecs.map(\.payloadType) == [96])
        #expect(matched.track(.video)?.codec.rtxPayloadType == 97)
        #expect(matched.track(.audio)?.codecs.map(\.payloadType) == [111])

        // An H264 42e01f publisher: Chrome's 108 (42e01f pm1), not 102 (42001f) or 112 (4d001f).
        let h264 = NegotiatedCodec(
            family: .h264, payloadType: 100, clockRate: 90_000,
            parameters: "packetization-mode=1;profile-level-id=42e01f", h264Profile: H264ProfileLevelID(hex: "42e01f"))
        let h264Matched = try SDPNegotiation.match(
            try SDPNegotiation.accept(offer: offer, intent: .play), publishing: [h264])
        #expect(h264Matched.tracks.count == 1, "the audio section has nothing to receive")
        let chosen = try #require(h264Matched.track(.video)?.codec)
        #expect(chosen.payloadType == 108)
        let answer = SDPNegotiation.answer(
            offer: offer, accepted: h264Matched, local: local,
            outbound: [OutboundStream(ssrc: 5, cname: "c", streamID: "s", trackID: "v", rtxSSRC: 6)], sessionID: 1)
        #expect(
            answer.media[1].fmtp(for: 108) == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        #expect(answer.media[1].direction == .sendonly)
        #expect(answer.media[0].direction == .inactive)
        #expect(answer.media[0].port == 9, "kept in the BUNDLE, not rejected")
        #expect(answer.bundleGroup == ["0", "1"])
    }

    @Test("WHEP refusals say what the publisher sends and what the offer takes")
    func refusalReasons() throws {
        let h264 = NegotiatedCodec(
            family: .h264, payloadType: 102, clockRate: 90_000, h264Profile: H264ProfileLevelID(hex: "42e01f"))
        let vp8Only = try Self.offer(
            direction: "recvonly", opus: nil, video: Self.h264Only(Self.chromeVideo, keeping: ["96", "97"]))
        let accepted = try SDPNegotiation.accept(offer: vp8Only, intent: .play)
        do {
            _ = try SDPNegotiation.match(accepted, publishing: [h264])
            Issue.record("an H264 publisher cannot serve a VP8-only player")
        } catch {
            #expect(error.reason == "the publisher sends H264 profile 42e01f; the offer has only VP8")
        }
        // Audio+video player of an audio-only publisher: audio served, video inactive.
        let opus = NegotiatedCodec(family: .opus, payloadType: 111, clockRate: 48_000, channels: 2)
        let both = try Self.offer(direction: "recvonly", video: Self.chromeVideo)
        let matched = try SDPNegotiation.match(
            try SDPNegotiation.accept(offer: both, intent: .play), publishing: [opus])
        #expect(matched.tracks.map(\.kind) == [.audio])
        let answer = SDPNegotiation.answer(
            offer: both, accepted: matched, local: local,
            outbound: [OutboundStream(ssrc: 5, cname: "c", streamID: "s", trackID: "a")], sessionID: 1)
        #expect(answer.media.map(\.direction) == [.sendonly, .inactive])
        // A baseline-only player of a constrained-baseline publisher.
        let baseline = try Self.offer(
            direction: "recvonly", opus: nil, video: Self.h264Only(Self.chromeVideo, keeping: ["102", "103"]))
        #expect(
            throws: NegotiationRefusal(
                "the publisher sends H264 profile 42e01f; the offer has only H264 profile 42001f")
        ) {
            try SDPNegotiation.match(try SDPNegotiation.accept(offer: baseline, intent: .play), publishing: [h264])
        }
    }

    @Test("a WHIP publisher's declared SSRCs: the FID group names media then RTX, whatever the a=ssrc order")
    func declaredSSRCs() throws {
        let lines =
            Self.h264Only(Self.chromeVideo, keeping: ["96", "97"]) + [
                "a=ssrc-group:FID 1111 2222", "a=ssrc:2222 cname:x", "a=ssrc:1111 cname:x",
            ]
        let offer = try Self.offer(direction: "sendonly", opus: nil, video: lines)
        let accepted = try SDPNegotiation.accept(offer: offer, intent: .publish)
        #expect(accepted.track(.video)?.declaredSSRCs == [1111, 2222])
        let plain = try Self.offer(
            direction: "sendonly", opus: nil,
            video: Self.h264Only(Self.chromeVideo, keeping: ["96"]) + ["a=ssrc:3333 cname:x", "a=ssrc:3333 msid:s t"])
        #expect(try SDPNegotiation.accept(offer: plain, intent: .publish).track(.video)?.declaredSSRCs == [3333])
    }
}
