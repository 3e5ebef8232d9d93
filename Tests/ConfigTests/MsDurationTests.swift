import Testing
@testable import ParleyConfig

@Suite("MsDuration follows ms / jsonwebtoken expiresIn")
struct MsDurationTests {
    @Test(
        "unit strings convert to seconds",
        arguments: [
            ("1h", 3600.0), ("1d", 86_400), ("7d", 604_800), ("2 days", 172_800), ("10m", 600), ("30s", 30),
            ("1y", 31_557_600), ("1.5h", 5400), ("1w", 604_800), ("100ms", 0.1), ("2 HOURS", 7200), ("3 mins", 180),
            (".5m", 30), ("-1h", -3600), ("1 yr", 31_557_600), ("5 msecs", 0.005), ("1   second", 1),
        ])
    func units(text: String, seconds: Double) throws {
        let duration = try #require(MsDuration(text))
        #expect(abs(duration.seconds - seconds) < 1e-9)
        #expect(duration.spelling == .text(text))
    }

    @Test("a digits-only string is milliseconds, as ms reads it")
    func digitsAreMilliseconds() throws {
        #expect(MsDuration.seconds(in: "3600") == 3.6)
        #expect(MsDuration.seconds(in: "60000") == 60)
        #expect(MsDuration.seconds(in: "1 ") == 0.001)
    }

    @Test("a number is seconds")
    func numberIsSeconds() {
        #expect(MsDuration(seconds: 3600).seconds == 3600)
        #expect(MsDuration(seconds: 3600).description == "3600")
        #expect(MsDuration(seconds: 1.5).description == "1.5")
        #expect(MsDuration(seconds: 90).duration == .seconds(90))
    }

    @Test(
        "invalid strings give nil",
        arguments: [
            "", "h", "1x", "1.", ".", "1h ", " 1h", "1h30m", "1.2.3s", "one hour", "1\th", "--1h", "1e3",
            String(repeating: "1", count: 101),
        ])
    func invalid(text: String) {
        #expect(MsDuration(text) == nil)
        #expect(MsDuration.seconds(in: text) == nil)
    }
}
