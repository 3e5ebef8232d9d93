import Fixtures
import ParleyMedia
import ParleyWire
import Testing

/// Issue 13: an offer of 2,000 payload types and 500 `a=rtcp-fb:*` lines took 0.55 s to refuse and grew
/// quadratically (codecs × attributes, negotiated twice).
@Suite("SDP parsing and negotiation cost")
struct SDPNegotiationCostTests {
    @Test("the SDP bomb is refused quickly under the standard limits")
    func bombRefusedQuickly() {
        let bomb = SDPStress.offer(payloadTypes: 2_000, wildcardFeedback: 500)
        let elapsed = ContinuousClock().measure {
            #expect(throws: SDPError.self) { try SessionDescription.parse(bomb) }
        }
        // Generous for a debug build on a loaded machine; the refusal itself takes well under a millisecond.
        #expect(elapsed < .milliseconds(500), "took \(elapsed)")
    }

    @Test("without limits, parse + negotiation of a 16× larger bomb costs no more than linearly more")
    func linearWithoutLimits() throws {
        let small = try cost(scale: 1)
        let large = try cost(scale: 16)
        // Linear is 16×; the old codecs × attributes walk was 256×. 48× leaves room for noise and allocation.
        #expect(large < small * 48, "1×: \(small), 16×: \(large)")
    }

    /// The best of three runs of parse + accept on a bomb `scale` times the issue's.
    func cost(scale: Int) throws -> Duration {
        let text = SDPStress.offer(payloadTypes: 2_000 * scale, wildcardFeedback: 500 * scale)
        var best = Duration.seconds(3_600)
        for _ in 0..<3 {
            var accepted: AcceptedOffer?
            let elapsed = try ContinuousClock().measure {
                let offer = try SessionDescription.parse(text, limits: .unbounded)
                accepted = try SDPNegotiation.accept(offer: offer, intent: .publish)
            }
            #expect(accepted?.opusPayloadType == 111)
            best = min(best, elapsed)
        }
        return best
    }
}
