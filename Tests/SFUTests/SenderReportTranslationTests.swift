import ParleyMedia
import Testing
@testable import ParleySFU

@Suite("Sender Report translation (RFC 3550 §6.4.1): the publisher's NTP↔RTP mapping in the player's timestamps")
struct SenderReportTranslationTests {
    @Test("extrapolated by the time since the SR arrived: 1.5 s is 0x1_8000_0000 in NTP and 135000 ticks at 90 kHz")
    func extrapolation() {
        let mapping = PublisherClockMapping(
            ntpTimestamp: 0xE000_0000_4000_0000, rtpTimestamp: 1000, arrival: MediaTime(nanoseconds: 5_000_000_000),
            clockRate: 90_000)
        let (ntp, rtp) = mapping.extrapolated(to: MediaTime(nanoseconds: 6_500_000_000))
        #expect(ntp == 0xE000_0001_C000_0000)
        #expect(rtp == 136_000)
        // Before the SR arrived (a report computed in the same tick) nothing moves backwards.
        let early = mapping.extrapolated(to: MediaTime(nanoseconds: 4_000_000_000))
        #expect(early.ntpTimestamp == mapping.ntpTimestamp && early.rtpTimestamp == 1000)
    }

    @Test("translated into the player's space with the rewriter's timestamp offset, wrapping mod 2^32")
    func translation() {
        let mapping = PublisherClockMapping(
            ntpTimestamp: 1 << 32, rtpTimestamp: 0xFFFF_FF00, arrival: .zero, clockRate: 48_000)
        let (ntp, rtp) = mapping.translated(timestampOffset: 0x200, at: MediaTime(nanoseconds: 20_000_000))
        #expect(ntp == (1 << 32) + (UInt64(20_000_000) << 32) / 1_000_000_000)
        // 0xFFFFFF00 + 960 ticks (20 ms at 48 kHz) + 0x200, mod 2^32.
        #expect(rtp == UInt32(truncatingIfNeeded: 0xFFFF_FF00 + 960 + 0x200))
    }

    @Test("lip sync: audio and video SRs of one player map one wallclock instant to the publisher's pair of timestamps")
    func lipSync() {
        // The publisher's audio and video SRs describe the same instant T (NTP) with their own RTP timestamps, and
        // arrive at different times.
        let ntpAtT: UInt64 = 0xE000_0000_0000_0000
        let audio = PublisherClockMapping(
            ntpTimestamp: ntpAtT, rtpTimestamp: 10_000, arrival: MediaTime(nanoseconds: 100_000_000), clockRate: 48_000)
        let video = PublisherClockMapping(
            ntpTimestamp: ntpAtT + (UInt64(1) << 31), rtpTimestamp: 50_000 + 45_000,
            arrival: MediaTime(nanoseconds: 600_000_000), clockRate: 90_000)
        let now = MediaTime(nanoseconds: 2_000_000_000)
        let audioOffset: UInt32 = 777, videoOffset: UInt32 = 0xFFFF_0000
        let a = audio.translated(timestampOffset: audioOffset, at: now)
        let v = video.translated(timestampOffset: videoOffset, at: now)
        // Both reports, taken at one instant, name the same NTP time ...
        #expect(a.ntpTimestamp == v.ntpTimestamp)
        // ... and the player's timestamps of that instant are the publisher's, shifted by each track's offset.
        #expect(a.rtpTimestamp &- audioOffset == 10_000 + 48_000 * 19 / 10)
        #expect(v.rtpTimestamp &- videoOffset == 50_000 + 90_000 * 19 / 10)
    }

    @Test("RFC 3550 §6.4.1 example: LSR 0xb705:2000 answered 11.375 s later with DLSR 0x0005:4000 is an RTT of 6.125 s")
    func roundTripExample() {
        var estimator = RoundTripEstimator()
        let sentAt = MediaTime(nanoseconds: 1_000_000_000)
        // The SR's NTP time whose middle 32 bits are 0xb7052000 (46853.125 s).
        estimator.senderReportSent(ntpTimestamp: 0x0000_B705_2000_0000, at: sentAt)
        let arrival = sentAt + .milliseconds(11_375)
        let rtt = estimator.receiverReport(
            lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000, at: arrival)
        #expect(rtt == .milliseconds(6_125))
        #expect(estimator.smoothed == .milliseconds(6_125))
        // An LSR of 0 (no SR received yet) or one never sent measures nothing.
        #expect(estimator.receiverReport(lastSenderReport: 0, delaySinceLastSenderReport: 0, at: arrival) == nil)
        #expect(estimator.receiverReport(lastSenderReport: 1, delaySinceLastSenderReport: 0, at: arrival) == nil)
    }

    @Test("only the last 8 SRs are remembered; the smoothed RTT moves by 1/8 of each new sample")
    func roundTripBounds() {
        var estimator = RoundTripEstimator()
        for index in 0..<10 {
            estimator.senderReportSent(ntpTimestamp: UInt64(index + 1) << 16, at: MediaTime(nanoseconds: 0))
        }
        #expect(estimator.receiverReport(lastSenderReport: 1, delaySinceLastSenderReport: 0, at: .zero) == nil)
        let now = MediaTime(nanoseconds: 80_000_000)
        #expect(
            estimator.receiverReport(lastSenderReport: 10, delaySinceLastSenderReport: 0, at: now) == .milliseconds(80))
        let later = MediaTime(nanoseconds: 160_000_000)
        estimator.receiverReport(lastSenderReport: 10, delaySinceLastSenderReport: 0, at: later)
        #expect(estimator.smoothed == .milliseconds(90))
    }
}
