import Testing

@testable import ParleyRecording

@Suite("Audio/video synchronisation: RTCP sender reports (RFC 3550 §6.4.1), else arrival times")
struct TrackSynchronizerTests {
    func samples(_ timestamps: [Int64], arrivals: [Int64]) -> [MediaSample] {
        zip(timestamps, arrivals).map { MediaSample(timestamp: $0, data: [1], isKeyframe: true, arrivalMicros: $1) }
    }

    /// NTP seconds as the 32.32 fixed-point timestamp of a sender report.
    func ntp(_ seconds: Double) -> UInt64 { UInt64(seconds * 4_294_967_296) }

    @Test("with a sender report on every track, their NTP ↔ RTP pairs place the first samples, whatever the arrival")
    func senderReports() throws {
        // Audio's first sample is 1 s before its report's instant (NTP 100); video's 0.5 s before its (NTP 100.2).
        let audio = samples([48_000, 96_000], arrivals: [9_000_000, 9_020_000])
        let video = samples([4_000_000_000, 4_000_003_000], arrivals: [1_000_000, 1_033_000])
        let clocks = TrackSynchronizer.firstSampleWallClock(tracks: [
            (audio, 48_000, [SenderReportMapping(ntpTimestamp: ntp(100), rtpTimestamp: 96_000)]),
            (video, 90_000, [SenderReportMapping(ntpTimestamp: ntp(100.2), rtpTimestamp: 4_000_045_000)]),
        ])
        #expect(abs(clocks[0] - 99) < 1e-6)
        #expect(abs(clocks[1] - 99.7) < 1e-6)
    }

    @Test("a report's RTP timestamp across the 32-bit wrap from the first sample still maps right")
    func senderReportAcrossWrap() {
        let video = samples([Int64(UInt32.max) - 8_999], arrivals: [0])
        let clocks = TrackSynchronizer.firstSampleWallClock(tracks: [
            (video, 90_000, [SenderReportMapping(ntpTimestamp: ntp(50), rtpTimestamp: 81_000)]) // 1 s after the sample
        ])
        #expect(abs(clocks[0] - 49) < 1e-6)
    }

    @Test("a track without a report: arrival times for all, from the least-delayed packet")
    func arrivalFallback() {
        // The second audio packet arrived on time (20 ms after the first's timestamp), the first 30 ms late.
        let audio = samples([0, 960, 1_920], arrivals: [2_030_000, 2_020_000, 2_060_000])
        let video = samples([0, 3_000], arrivals: [2_500_000, 2_540_000])
        let clocks = TrackSynchronizer.firstSampleWallClock(tracks: [
            (audio, 48_000, [SenderReportMapping(ntpTimestamp: ntp(100), rtpTimestamp: 0)]),
            (video, 90_000, []),
        ])
        #expect(abs(clocks[0] - 2.0) < 1e-6)
        #expect(abs(clocks[1] - 2.5) < 1e-6)
    }
}
