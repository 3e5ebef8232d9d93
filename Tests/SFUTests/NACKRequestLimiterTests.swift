import ParleyMedia
import Testing
@testable import ParleySFU

@Suite("NACK limiter: each missing packet asked at most once per round trip and a few times in all")
struct NACKRequestLimiterTests {
    let start = MediaTime.zero
    let interval = Duration.milliseconds(100)

    @Test("a repeated NACK within the interval asks nothing again; after it, again; never more than maxAttempts")
    func onceperInterval() {
        var limiter = NACKRequestLimiter(maxAttempts: 3)
        #expect(limiter.admit([10, 11, 12], interval: interval, now: start) == [10, 11, 12])
        // aiortc repeats every missing packet on each new gap.
        #expect(limiter.admit([10, 11, 12, 13], interval: interval, now: start + .milliseconds(30)) == [13])
        #expect(limiter.admit([10, 13], interval: interval, now: start + .milliseconds(100)) == [10])
        #expect(limiter.admit([10], interval: interval, now: start + .milliseconds(200)) == [10])
        #expect(limiter.admit([10], interval: interval, now: start + .milliseconds(300)) == [])
        #expect(limiter.admit([13], interval: interval, now: start + .milliseconds(300)) == [13])
    }

    @Test("duplicates within one list are asked once")
    func duplicates() {
        var limiter = NACKRequestLimiter()
        #expect(limiter.admit([5, 5, 6, 5], interval: interval, now: start) == [5, 6])
    }

    @Test("the same number reused after the wrap (long after) starts afresh; slots shared modulo capacity too")
    func wrapAndSlots() {
        var limiter = NACKRequestLimiter(capacity: 16, maxAttempts: 1, forgetAfter: .seconds(3))
        #expect(limiter.admit([65_535, 0], interval: interval, now: start) == [65_535, 0])
        #expect(limiter.admit([65_535, 0], interval: interval, now: start + .seconds(1)) == [])
        #expect(limiter.admit([65_535], interval: interval, now: start + .seconds(4)) == [65_535])
        // 16 shares slot 0 with 0: asking for it replaces the slot, and 0 is then new again.
        #expect(limiter.admit([16], interval: interval, now: start + .seconds(1)) == [16])
        #expect(limiter.admit([0], interval: interval, now: start + .seconds(1)) == [0])
    }

    @Test("retry interval: 100 ms unknown, RTT × 1.25 + 5 ms, within 20...500 ms")
    func retryInterval() {
        #expect(NACKRequestLimiter.retryInterval(roundTrip: nil) == .milliseconds(100))
        #expect(NACKRequestLimiter.retryInterval(roundTrip: .milliseconds(40)) == .milliseconds(55))
        #expect(NACKRequestLimiter.retryInterval(roundTrip: .milliseconds(1)) == .milliseconds(20))
        #expect(NACKRequestLimiter.retryInterval(roundTrip: .seconds(2)) == .milliseconds(500))
    }
}
