import Testing

@testable import ParleyRecording

@Suite("Opus depacketizer (RFC 7587) and TOC durations (RFC 6716 §3.1)")
struct OpusDepacketizerTests {
    @Test("durations from the TOC: configuration, frame count code, code 3's M; short or empty packets give nil")
    func durations() {
        #expect(OpusPacket.sampleCount([0x08]) == 960) // SILK NB 20 ms, one frame
        #expect(OpusPacket.sampleCount([0x18]) == 2880) // SILK NB 60 ms
        #expect(OpusPacket.sampleCount([0x78 | 1, 0]) == 1920) // hybrid FB 20 ms, two frames
        #expect(OpusPacket.sampleCount([0xF8 | 3, 3]) == 2880) // CELT FB 20 ms, M = 3
        #expect(OpusPacket.sampleCount([0x80]) == 120) // CELT NB 2.5 ms
        #expect(OpusPacket.sampleCount([]) == nil)
        #expect(OpusPacket.sampleCount([0xFB]) == nil) // code 3 without its count byte
        #expect(OpusPacket.sampleCount([0xFB, 0]) == nil) // M = 0
        #expect(OpusPacket.sampleCount([0xFB, 7]) == nil) // 140 ms > 120 ms
    }

    @Test("every payload is one packet; padding-only and backwards timestamps are dropped")
    func samples() {
        let packets = [
            OrderedRTPPacket(
                extendedSequence: 1, extendedTimestamp: 0, arrivalMicros: 0, marker: false, payload: [0xFC, 1]),
            OrderedRTPPacket(extendedSequence: 2, extendedTimestamp: 960, arrivalMicros: 0, marker: false, payload: []),
            OrderedRTPPacket(
                extendedSequence: 3, extendedTimestamp: 960, arrivalMicros: 0, marker: false, payload: [0xFC, 2]),
            OrderedRTPPacket(
                extendedSequence: 4, extendedTimestamp: 0, arrivalMicros: 0, marker: false, payload: [0xFC, 3]),
        ]
        let samples = OpusDepacketizer.samples(from: packets)
        #expect(samples.map(\.timestamp) == [0, 960])
        #expect(samples.map(\.data) == [[0xFC, 1], [0xFC, 2]])
    }

    @Test("a gap keeps the timeline: filled with TOC-only frames of the previous configuration")
    func gapFill() {
        let samples = [0, 960, 4800, 5760].map {
            MediaSample(timestamp: $0, data: [0xFC, 9], isKeyframe: true, arrivalMicros: 0)
        }
        let filled = OpusDepacketizer.fillGaps(samples)
        #expect(filled.map(\.timestamp) == [0, 960, 1920, 2880, 3840, 4800, 5760])
        #expect(filled[2].data == [0xFC])
        // Bounded: a huge jump is not filled beyond the limit.
        let jump = [0, 48_000 * 100].map {
            MediaSample(timestamp: Int64($0), data: [0xFC], isKeyframe: true, arrivalMicros: 0)
        }
        #expect(OpusDepacketizer.fillGaps(jump, maxFillSamples: 9_600).count == 2 + 10)
    }
}

@Suite("Opus depacketizer: oversized payloads")
struct OpusOversizeTests {
    @Test("a payload longer than RFC 6716's largest packet is dropped (it could not fit an Ogg page either)")
    func oversized() {
        let big = OrderedRTPPacket(
            extendedSequence: 1, extendedTimestamp: 0, arrivalMicros: 0, marker: false,
            payload: [0xFC] + [UInt8](repeating: 0, count: OpusPacket.maxPacketBytes))
        #expect(OpusDepacketizer.samples(from: [big]).isEmpty)
    }
}
