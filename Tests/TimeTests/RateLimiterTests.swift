import Fixtures
import Foundation
import ParleyTime
import Testing

@Suite("One rate limiter: fixed windows and token buckets on an injected clock")
struct RateLimiterTests {
    @Test("a fixed window allows `limit` hits from the first one, counts refused hits, and resets after the window")
    func fixedWindow() {
        let clock = ManualClock()
        let limiter = RateLimiter(.fixedWindow(limit: 3, window: .seconds(60)), clock: clock)
        let first = limiter.hit("a")
        #expect(
            first
                == RateLimiter.Decision(
                    allowed: true, limit: 3, remaining: 2, retryAfter: .zero,
                    resetAfter: .seconds(60)))
        clock.advance(by: .seconds(10))
        #expect(limiter.hit("a").remaining == 1)
        #expect(limiter.hit("a").allowed)
        let refused = limiter.hit("a")
        #expect(!refused.allowed && refused.remaining == 0)
        #expect(refused.retryAfterSeconds == 50 && refused.resetSeconds == 50)
        #expect(limiter.hit("b").allowed, "keys are independent")
        clock.advance(by: .seconds(49))
        #expect(!limiter.hit("a").allowed)
        clock.advance(by: .seconds(1))
        let fresh = limiter.hit("a")
        #expect(fresh.allowed && fresh.remaining == 2 && fresh.resetSeconds == 60)
    }

    @Test("peek counts nothing; reset forgets a key (failures counted, success clears: the login throttle)")
    func peekAndReset() {
        let clock = ManualClock()
        let limiter = RateLimiter(.fixedWindow(limit: 2, window: .seconds(60)), clock: clock)
        #expect(limiter.peek("a").allowed)
        _ = limiter.hit("a")
        clock.advance(by: .seconds(10))
        _ = limiter.hit("a")
        let shut = limiter.peek("a")
        #expect(!shut.allowed && shut.retryAfterSeconds == 50)
        #expect(limiter.peek("b").allowed && limiter.trackedKeys == 1)
        clock.advance(by: .seconds(50))
        #expect(limiter.peek("a").allowed)
        _ = limiter.hit("a")
        limiter.reset("a")
        _ = limiter.hit("a")
        #expect(limiter.peek("a").allowed)
    }

    @Test("a token bucket allows a burst, then refills at its rate")
    func tokenBucket() {
        let clock = ManualClock()
        let limiter = RateLimiter(.tokenBucket(burst: 3, perSecond: 2), clock: clock)
        var answers: [Bool] = []
        for step in [0, 0, 0, 0, 600, 100] {
            clock.advance(by: .milliseconds(step))
            answers.append(limiter.hit("chat").allowed)
        }
        #expect(answers == [true, true, true, false, true, false])
        // 0.4 tokens left: one more token takes 0.3 s at 2 per second.
        let refused = limiter.peek("chat")
        #expect(!refused.allowed && refused.retryAfter > .milliseconds(290) && refused.retryAfter < .milliseconds(310))
        #expect(refused.retryAfterSeconds == 1)
    }

    @Test("the key table stays bounded under a flood of new keys, keeping the most recent")
    func bounded() {
        let clock = ManualClock()
        let limiter = RateLimiter(.fixedWindow(limit: 1, window: .seconds(3600)), clock: clock, maxKeys: 100)
        for index in 0..<1_000 {
            _ = limiter.hit("k\(index)")
            clock.advance(by: .milliseconds(1))
            #expect(limiter.trackedKeys <= 100)
        }
        #expect(!limiter.peek("k999").allowed, "the latest keys keep their count")
    }

    @Test("keys whose limit has recovered are dropped before live ones")
    func sweepRecovered() {
        let clock = ManualClock()
        let limiter = RateLimiter(.fixedWindow(limit: 1, window: .seconds(10)), clock: clock, maxKeys: 10)
        for index in 0..<9 { _ = limiter.hit("old\(index)") }
        clock.advance(by: .seconds(11))
        _ = limiter.hit("live")
        _ = limiter.hit("live2")
        #expect(limiter.trackedKeys == 2)
        #expect(!limiter.peek("live").allowed)
    }
}
