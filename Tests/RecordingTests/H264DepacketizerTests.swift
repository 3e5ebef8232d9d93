import Testing

@testable import ParleyRecording

@Suite("H264 depacketizer (RFC 6184 single NAL, STAP-A, FU-A) and SPS parsing")
struct H264DepacketizerTests {
    // A 320x240 Constrained Baseline SPS (profile 66, level 1.3) and a PPS, as x264 writes them.
    static let sps: [UInt8] = [
        0x67, 0x42, 0xC0, 0x0D, 0xD9, 0x01, 0x41, 0xFB, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03,
        0x03, 0xC0, 0xF1, 0x42, 0xA4, 0x80,
    ]
    static let pps: [UInt8] = [0x68, 0xCB, 0x83, 0xCB, 0x20]

    func packet(_ sequence: Int64, _ timestamp: Int64, _ payload: [UInt8], marker: Bool = false) -> OrderedRTPPacket {
        OrderedRTPPacket(
            extendedSequence: sequence, extendedTimestamp: timestamp, arrivalMicros: 0, marker: marker, payload: payload
        )
    }

    static func stapA(_ units: [[UInt8]]) -> [UInt8] {
        [0x18] + units.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
    }

    @Test("the SPS gives profile, level and the cropped size; every truncation gives nil")
    func sequenceParameters() throws {
        let parameters = try #require(H264SequenceParameters(nalUnit: Self.sps))
        #expect(parameters.profile == 66)
        #expect(parameters.level == 13)
        #expect(parameters.width == 320)
        #expect(parameters.height == 240)
        for length in 0..<8 { #expect(H264SequenceParameters(nalUnit: Array(Self.sps.prefix(length))) == nil) }
        #expect(H264SequenceParameters(nalUnit: Self.pps) == nil)
        #expect(H264SequenceParameters.rbsp([0, 0, 3, 1, 0, 0, 3, 0, 0, 3]) == [0, 0, 1, 0, 0, 0, 0])
    }

    @Test("STAP-A and FU-A parse; every truncation of them gives nil or fewer bytes, never a trap")
    func payloads() {
        let stap = Self.stapA([Self.sps, Self.pps])
        #expect(H264Depacketizer.parse(stap) == .units([Self.sps, Self.pps]))
        for length in 1..<stap.count where length != 1 + 2 + Self.sps.count {
            #expect(H264Depacketizer.parse(Array(stap.prefix(length))) == nil, "STAP-A cut at \(length)")
        }
        #expect(H264Depacketizer.parse([]) == nil)
        #expect(H264Depacketizer.parse([0x7C]) == nil) // FU-A without its header
        #expect(H264Depacketizer.parse([0x7C, 0x85]) == nil) // nor any data
        #expect(H264Depacketizer.parse([0x7C, 0xC5, 1]) == nil) // start and end at once
        #expect(H264Depacketizer.parse([0x7A, 0, 0]) == nil) // STAP-B: interleaved mode only
        #expect(H264Depacketizer.parse([0x7C, 0x85, 9]) == .fragment(header: 0x65, start: true, end: false, data: [9]))
    }

    @Test(
        "an IDR in FU-A fragments after a STAP-A of SPS+PPS is one AVCC key sample; a lost fragment drops to the next IDR"
    )
    func assembly() {
        let idr: [UInt8] = [0x65] + Array(0..<20)
        let slice: [UInt8] = [0x41, 7, 7]
        let fuIndicator: UInt8 = 0x60 | 28
        let packets = [
            packet(1, 0, Self.stapA([Self.sps, Self.pps])),
            packet(2, 0, [fuIndicator, 0x80 | 5] + idr[1..<8]),
            packet(3, 0, [fuIndicator, 0x05] + idr[8..<15]),
            packet(4, 0, [fuIndicator, 0x40 | 5] + idr[15...], marker: true),
            packet(5, 3000, slice, marker: true),
            packet(6, 6000, [fuIndicator, 0x81] + [1, 2]), // fragment 7 lost
            packet(8, 6000, [fuIndicator, 0x41] + [3], marker: true),
            packet(9, 9000, slice, marker: true), // after the loss, not an IDR: dropped
            packet(10, 12000, [0x09, 0x10]), // an access unit delimiter, left out of the sample
            packet(11, 12000, idr, marker: true),
        ]
        let (samples, configuration) = H264Depacketizer.samples(from: packets)
        #expect(configuration == H264Configuration(sequenceParameterSet: Self.sps, pictureParameterSet: Self.pps))
        #expect(samples.map(\.timestamp) == [0, 3000, 12000])
        #expect(samples.map(\.isKeyframe) == [true, false, true])
        func avcc(_ units: [[UInt8]]) -> [UInt8] {
            units.flatMap { [0, 0, UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
        }
        #expect(samples[0].data == avcc([Self.sps, Self.pps, idr]))
        #expect(samples[1].data == avcc([slice]))
        #expect(samples[2].data == avcc([idr]))
    }
}
