import Fixtures
import Foundation
import ParleyTime
import Testing

@Suite("Clocks")
struct ClockTests {
    @Test("a manual clock moves calendar time and uptime together, only when told")
    func manual() {
        let start = Date(timeIntervalSince1970: 1_000)
        let clock = ManualClock(now: start)
        #expect(clock.now == start && clock.uptime == .zero)
        clock.advance(by: .milliseconds(1_500))
        #expect(clock.now == start.addingTimeInterval(1.5))
        #expect(clock.uptime == .milliseconds(1_500))
    }

    @Test("the system clock's uptime starts near zero and never goes backwards")
    func system() {
        let clock = SystemClock()
        let first = clock.uptime
        let second = clock.uptime
        #expect(first >= .zero && first < .seconds(1) && second >= first)
        #expect(abs(clock.now.timeIntervalSinceNow) < 5)
    }
}
