import Testing

@testable import ParleyRecording

@Suite("VP8 depacketizer (RFC 7741 §4)")
struct VP8DepacketizerTests {
    func packet(_ sequence: Int64, _ timestamp: Int64, _ payload: [UInt8], marker: Bool = false) -> OrderedRTPPacket {
        OrderedRTPPacket(
            extendedSequence: sequence, extendedTimestamp: timestamp, arrivalMicros: 0, marker: marker, payload: payload
        )
    }

    @Test("descriptor variants: plain, X with 7- and 15-bit PictureID, L, T/K; the offset of the VP8 payload")
    func descriptors() throws {
        #expect(try #require(VP8Depacketizer.Descriptor([0x10, 0xAA])).length == 1)
        #expect(try #require(VP8Depacketizer.Descriptor([0x90, 0x80, 0x05, 0xAA])).length == 3) // I, 7-bit
        #expect(try #require(VP8Depacketizer.Descriptor([0x90, 0x80, 0x81, 0x02, 0xAA])).length == 4) // I, M: 15-bit
        // I L T
        #expect(try #require(VP8Depacketizer.Descriptor([0x90, 0xE0, 0x81, 0x02, 0x07, 0x40, 0xAA])).length == 6)
        #expect(try #require(VP8Depacketizer.Descriptor([0x80, 0x10, 0x40, 0xAA])).length == 3) // K only
        let start = try #require(VP8Depacketizer.Descriptor([0x10, 0]))
        #expect(start.startsFrame)
        #expect(!(try #require(VP8Depacketizer.Descriptor([0x11, 0]))).startsFrame) // PID 1
        #expect(!(try #require(VP8Depacketizer.Descriptor([0x00, 0]))).startsFrame) // S = 0
    }

    @Test("every truncation of a descriptor gives nil, never a trap")
    func truncation() {
        let full: [UInt8] = [0x90, 0xF0, 0x81, 0x02, 0x07, 0x40, 0xAA]
        for length in 0..<6 {
            #expect(VP8Depacketizer.Descriptor(Array(full.prefix(length))) == nil, "length \(length)")
        }
        #expect(VP8Depacketizer.Descriptor(full) != nil)
    }

    @Test("a frame is joined from S+PID 0 to the marker; key frames by the P bit; a loss waits for the next key frame")
    func assembly() {
        let key: [UInt8] = [0x10, 0x00, 0x01, 0x02] // P = 0
        let inter: [UInt8] = [0x10, 0x01, 0x05] // P = 1
        let packets = [
            packet(1, 0, key), packet(2, 0, [0x00, 0x03, 0x04], marker: true), // key frame in two packets
            packet(3, 3000, inter, marker: true),
            packet(4, 6000, inter), // its second packet (5) is lost
            packet(6, 9000, inter, marker: true), // after the loss: inter frame, dropped
            packet(7, 12000, key, marker: true),
            packet(8, 15000, []), // padding only: not a loss
            packet(9, 15000, inter, marker: true),
            packet(10, 18000, inter), // the capture ends inside this frame
        ]
        let samples = VP8Depacketizer.samples(from: packets)
        #expect(samples.map(\.timestamp) == [0, 3000, 12000, 15000])
        #expect(samples.map(\.isKeyframe) == [true, false, true, false])
        #expect(samples[0].data == [0x00, 0x01, 0x02, 0x03, 0x04])
        // Nothing before the first key frame.
        #expect(VP8Depacketizer.samples(from: [packet(1, 0, inter, marker: true)]).isEmpty)
    }

    @Test("key frame dimensions (RFC 6386 §9.1); inter frames and short headers give nil")
    func dimensions() {
        let header: [UInt8] = [0x50, 0x01, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x41]
        #expect(VP8Depacketizer.dimensions(ofKeyframe: header)?.width == 640)
        #expect(VP8Depacketizer.dimensions(ofKeyframe: header)?.height == 480)
        for length in 0..<header.count {
            #expect(VP8Depacketizer.dimensions(ofKeyframe: Array(header.prefix(length))) == nil)
        }
        #expect(VP8Depacketizer.dimensions(ofKeyframe: [0x51] + header.dropFirst()) == nil)
    }
}
