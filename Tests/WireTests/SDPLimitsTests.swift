import Fixtures
import Testing
@testable import ParleyWire

@Suite("SDP limits: untrusted descriptions are bounded")
struct SDPLimitsTests {
    /// The error `parse` throws for `text` under `limits`, or nil when it parses.
    func refusal(_ text: String, _ limits: SDPLimits = .standard) -> SDPError? {
        do {
            _ = try SessionDescription.parse(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    func small(_ extra: [String] = [], formats: String = "111") -> String {
        ([
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=audio 9 UDP/TLS/RTP/SAVPF \(formats)",
            "a=rtpmap:111 opus/48000/2",
        ] + extra).joined(separator: "\r\n") + "\r\n"
    }

    @Test("browser offers fit the standard limits")
    func browsersFit() throws {
        _ = try SessionDescription.parse(SDPSamples.chromiumOffer)
        _ = try SessionDescription.parse(SDPSamples.aiortcOffer)
    }

    @Test("the SDP bomb (2,000 payload types, 500 a=rtcp-fb:*) is refused as too large, naming the limit")
    func bomb() throws {
        let error = try #require(refusal(SDPStress.offer(payloadTypes: 2_000, wildcardFeedback: 500)))
        #expect(error.kind == .tooLarge)
        #expect(error.line == 6)
        #expect(error.reason.contains("at most 4096"))
    }

    @Test("each limit is refused at the line that crosses it, with kind tooLarge")
    func eachLimit() throws {
        let tight = SDPLimits(
            maxBytes: 10_000, maxLineLength: 200, maxMediaSections: 2, maxFormatsPerSection: 4,
            maxAttributesPerSection: 6, maxFeedbackPerSection: 2, maxCandidatesPerSection: 1)
        #expect(refusal(small(), tight) == nil)

        let big = try #require(refusal(small(Array(repeating: "a=x", count: 3_000)), tight))
        #expect(big.kind == .tooLarge && big.line == 1 && big.reason.contains("at most 10000"))

        let long = try #require(refusal(small(["a=tool:" + String(repeating: "x", count: 300)]), tight))
        #expect(long.kind == .tooLarge && long.line == 7)

        let formats = try #require(refusal(small(formats: "111 0 8 9 13"), tight))
        #expect(formats.kind == .tooLarge && formats.line == 5 && formats.reason.contains("5 formats"))

        let feedback = try #require(
            refusal(
                small(["a=rtcp-fb:* nack", "a=rtcp-fb:111 nack", "a=rtcp-fb:* ccm fir"]),
                tight))
        #expect(feedback.kind == .tooLarge && feedback.line == 9 && feedback.reason.contains("rtcp-fb"))

        let candidate = "a=candidate:1 1 udp 1 127.0.0.1 5000 typ host"
        let candidates = try #require(refusal(small([candidate, candidate]), tight))
        #expect(candidates.kind == .tooLarge && candidates.line == 8 && candidates.reason.contains("candidate"))

        let attributes = try #require(refusal(small(Array(repeating: "a=x", count: 6)), tight))
        #expect(attributes.kind == .tooLarge && attributes.line == 12)

        let sections = try #require(refusal(small(["m=audio 0 RTP/AVP 0", "m=audio 0 RTP/AVP 0"]), tight))
        #expect(sections.kind == .tooLarge && sections.line == 8 && sections.reason.contains("m= sections"))

        let session = (["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"] + Array(repeating: "a=x", count: 7))
            .joined(separator: "\r\n")
        #expect(refusal(session, tight)?.kind == .tooLarge)
        #expect(refusal("v=0\r\nthis is not sdp\r\n", tight)?.kind == .malformed)
    }

    @Test("trickle fragments are held to the same limits")
    func fragments() {
        let tight = SDPLimits(maxCandidatesPerSection: 1)
        let candidate = "a=candidate:1 1 udp 1 127.0.0.1 5000 typ host"
        let text = ["a=ice-ufrag:abcd", "m=audio 9 UDP/TLS/RTP/SAVPF 0", "a=mid:0", candidate, candidate]
            .joined(separator: "\r\n")
        #expect(throws: SDPError.self) { try SDPFragment.parse(text, limits: tight) }
        #expect(throws: Never.self) { try SDPFragment.parse(text, limits: .unbounded) }
    }

    @Test("payload types are listed once each; codecs join wildcard and specific rtcp-fb in attribute order")
    func codecsLinear() throws {
        let text = small(
            [
                "a=rtcp-fb:* nack", "a=rtcp-fb:111 transport-cc", "a=rtcp-fb:* ccm fir",
                "a=rtcp-fb:0 goog-remb", "a=rtpmap:111 L16/8000",
            ], formats: "111 0 111 0")
        let audio = try #require(try SessionDescription.parse(text).media.first)
        #expect(audio.payloadTypes == [111, 0])
        #expect(audio.codecs.first?.feedback.map(\.type) == ["nack", "transport-cc", "ccm"])
        #expect(audio.codecs.last?.feedback.map(\.type) == ["nack", "ccm", "goog-remb"])
        // The first rtpmap of a payload type is the one that counts, for codecs and the Opus lookup alike.
        #expect(audio.codecs.first?.rtpmap?.encodingName == "opus")
        #expect(audio.opusCodec?.payloadType == 111)
    }
}
