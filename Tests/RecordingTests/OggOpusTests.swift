import Fixtures
import Foundation
import ParleyWire
import Testing

@testable import ParleyRecording

@Suite("Ogg Opus writer (RFC 3533, RFC 7845)")
struct OggOpusTests {
    @Test("the page CRC is Ogg's (0x04C11DB7, unreflected, init 0): check value of \"123456789\"")
    func crcCheckValue() {
        // The value ffmpeg's own Ogg pages agree with (checked against a libopus .ogg when this was written).
        #expect(OggCRC.checksum(Array("123456789".utf8)) == 0x89A1_897F)
        #expect(OggCRC.checksum([]) == 0)
    }

    @Test("a page: capture pattern, flags, little-endian granule/serial/sequence, lacing, CRC over the page")
    func pageLayout() {
        let packet = [UInt8](repeating: 7, count: 300)
        let page = OggPage.encode(
            packets: [packet, [1, 2]], headerType: OggPage.endOfStream, granulePosition: 0x0102_0304,
            serialNumber: 0xAABB_CCDD, sequenceNumber: 5)
        #expect(Array(page[0..<4]) == Array("OggS".utf8))
        #expect(page[4] == 0)
        #expect(page[5] == OggPage.endOfStream)
        #expect(Array(page[6..<14]) == [4, 3, 2, 1, 0, 0, 0, 0])
        #expect(Array(page[14..<18]) == [0xDD, 0xCC, 0xBB, 0xAA])
        #expect(Array(page[18..<22]) == [5, 0, 0, 0])
        // 300 = 255 + 45; then 2.
        #expect(page[26] == 3)
        #expect(Array(page[27..<30]) == [255, 45, 2])
        #expect(page.count == 30 + 302)
        var zeroed = page
        zeroed.replaceSubrange(22..<26, with: [0, 0, 0, 0])
        #expect(Array(page[22..<26]) == OggPage.littleEndian(OggCRC.checksum(zeroed)))
        // A packet of a multiple of 255 bytes ends with an empty segment.
        #expect(OggPage.lacingValues(510) == [255, 255, 0])
        #expect(OggPage.lacingValues(0) == [0])
    }

    @Test("OpusHead and OpusTags are RFC 7845 §5's layouts")
    func headers() {
        let head = OpusIdentification(channels: 2, preSkip: 312).opusHead
        #expect(head.count == 19)
        #expect(Array(head[0..<8]) == Array("OpusHead".utf8))
        #expect(head[8] == 1)
        #expect(head[9] == 2)
        #expect(Array(head[10..<12]) == [0x38, 0x01])
        #expect(Array(head[12..<16]) == [0x80, 0xBB, 0, 0])
        #expect(Array(head[16..<19]) == [0, 0, 0])
        let tags = OpusIdentification.opusTags(vendor: "v")
        #expect(tags == Array("OpusTags".utf8) + [1, 0, 0, 0] + Array("v".utf8) + [0, 0, 0, 0])
    }

    @Test("granule positions count 48 kHz samples of the packets completed on each page; the last page is EOS")
    func granules() {
        // 120 packets of 20 ms (TOC config 1: SILK NB 20 ms, code 0) = 2.4 s → pages of about a second.
        let samples = (0..<120).map {
            MediaSample(timestamp: Int64($0) * 960, data: [0x08, 1, 2, 3], isKeyframe: true, arrivalMicros: 0)
        }
        let bytes = OggOpusWriter.write(samples: samples, channels: 2, serialNumber: 9)
        var offset = 0
        var granules: [Int64] = []
        var flags: [UInt8] = []
        while offset + 27 <= bytes.count {
            let segments = Int(bytes[offset + 26])
            let body = bytes[(offset + 27)..<(offset + 27 + segments)].reduce(0) { $0 + Int($1) }
            granules.append((0..<8).reduce(Int64(0)) { $0 | Int64(bytes[offset + 6 + $1]) << (8 * $1) })
            flags.append(bytes[offset + 5])
            offset += 27 + segments + body
        }
        #expect(offset == bytes.count)
        #expect(granules.first == 0)
        #expect(granules.last.map(Int.init) == 120 * 960)
        #expect(granules == granules.sorted())
        #expect(flags.first == OggPage.beginningOfStream)
        #expect(flags.last == OggPage.endOfStream)
        #expect(granules.count == 2 + 3)
    }
}
