import ParleyMedia
import Testing
@testable import ParleySFU

@Suite("REMB towards the publisher: grows with headroom while loss is low, backs off on loss, capped by players")
struct PublisherBitrateEstimatorTests {
    func second(_ n: Int64) -> MediaTime { MediaTime(nanoseconds: n * 1_000_000_000) }

    /// Feeds one second of `bitsPerSecond` in 1000-byte packets.
    func feed(_ estimator: inout PublisherBitrateEstimator, bitsPerSecond: Int) {
        for _ in 0..<(bitsPerSecond / 8000) { estimator.received(bytes: 1000) }
    }

    @Test("the first call only starts the interval; low loss lets the estimate reach measured × headroom")
    func growth() {
        var estimator = PublisherBitrateEstimator(initial: 300_000, headroom: 1.5)
        #expect(estimator.update(fractionLost: 0, at: second(0)) == nil)
        feed(&estimator, bitsPerSecond: 400_000)
        #expect(estimator.update(fractionLost: 0, at: second(1)) == 600_000)
        // A quieter second does not pull the estimate down: the sender just sends less than it may.
        feed(&estimator, bitsPerSecond: 100_000)
        #expect(estimator.update(fractionLost: 0, at: second(2)) == 600_000)
    }

    @Test("draft-ietf-rmcat-gcc-02 §6: over 10% loss the estimate is measured × (1 − loss/2); 2–10% holds")
    func lossBackoff() {
        var estimator = PublisherBitrateEstimator(initial: 1_000_000)
        _ = estimator.update(fractionLost: 0, at: second(0))
        feed(&estimator, bitsPerSecond: 800_000)
        // 64/256 = 25% loss: 800 kbit/s × 0.875.
        #expect(estimator.update(fractionLost: 64, at: second(1)) == 700_000)
        feed(&estimator, bitsPerSecond: 2_000_000)
        // 5% holds.
        #expect(estimator.update(fractionLost: 13, at: second(2)) == 700_000)
    }

    @Test("bounded by minimum and maximum")
    func bounds() {
        var estimator = PublisherBitrateEstimator(initial: 1_000_000, minimum: 200_000, maximum: 2_000_000)
        _ = estimator.update(fractionLost: 0, at: second(0))
        feed(&estimator, bitsPerSecond: 4_000_000)
        #expect(estimator.update(fractionLost: 0, at: second(1)) == 2_000_000)
        feed(&estimator, bitsPerSecond: 8000)
        #expect(estimator.update(fractionLost: 255, at: second(2)) == 200_000)
    }

    @Test("the smallest fresh player REMB caps the estimate; it stops capping when stale or when the player left")
    func playerCap() {
        var estimator = PublisherBitrateEstimator(initial: 1_000_000, playerEstimateLifetime: .seconds(5))
        _ = estimator.update(fractionLost: 0, at: second(0))
        estimator.playerReported(500_000, player: "a", at: second(0))
        estimator.playerReported(700_000, player: "b", at: second(0))
        #expect(estimator.update(fractionLost: 0, at: second(1)) == 500_000)
        estimator.playerLeft("a")
        #expect(estimator.update(fractionLost: 0, at: second(2)) == 500_000)
        feed(&estimator, bitsPerSecond: 600_000)
        #expect(estimator.update(fractionLost: 0, at: second(3)) == 700_000)
        feed(&estimator, bitsPerSecond: 600_000)
        #expect(estimator.update(fractionLost: 0, at: second(6)) == 700_000)
        feed(&estimator, bitsPerSecond: 1_000_000)
        // b's REMB (second 0) went stale at second 6 and no longer caps: 1 Mbit/s over the last second × 1.5.
        #expect(estimator.update(fractionLost: 0, at: second(7)) == 1_500_000)
    }
}
