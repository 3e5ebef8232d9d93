import Fixtures
import Testing
@testable import ParleyWire

@Suite("RTP translation written in place (the forwarding path)")
struct RTPTranslationTests {
    /// A packet with the given CSRC count, optional one-byte extension, payload and padding.
    static func packet(
        csrcs: Int, extensionWords: Int?, payload: [UInt8], padding: UInt8, using generator: inout SeededGenerator
    ) -> [UInt8] {
        let csrcList = (0..<csrcs).map { _ in UInt32.random(in: 0...UInt32.max, using: &generator) }
        let header = extensionWords.map { words in
            RTPHeaderExtension(
                profile: 0xBEDE, data: (0..<4 * words).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        return RTPPacket(
            marker: Bool.random(using: &generator), payloadType: UInt8.random(in: 0...127, using: &generator),
            sequenceNumber: UInt16.random(in: 0...UInt16.max, using: &generator),
            timestamp: UInt32.random(in: 0...UInt32.max, using: &generator),
            ssrc: UInt32.random(in: 0...UInt32.max, using: &generator), csrcs: csrcList, headerExtension: header,
            payload: payload, paddingLength: padding
        ).encode()
    }

    @Test(
        "the bytes written equal the owned packet's encoding with SSRC, PT, sequence and timestamp changed and no extension"
    )
    func matchesOwnedEncoding() throws {
        var generator = SeededGenerator(seed: 0x5F0)
        for round in 0..<200 {
            let payload = (0..<Int.random(in: 0...1200, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let bytes = Self.packet(
                csrcs: round % 16, extensionWords: round % 3 == 0 ? nil : round % 5,
                payload: payload, padding: round % 4 == 0 ? UInt8(1 + round % 200) : 0, using: &generator)
            let view = try RTPHeaderView(parsing: bytes)
            var expected = try RTPPacket.parse(bytes)
            expected.ssrc = 0x0102_0304
            expected.payloadType = 111
            expected.sequenceNumber = 0xFFFE
            expected.timestamp = 0x8000_0001
            expected.headerExtension = nil
            let wanted = expected.encode()
            #expect(view.translatedLength == wanted.count)
            var output = [UInt8](repeating: 0xEE, count: view.translatedLength + 16)
            let written = output.withUnsafeMutableBytes { out in
                bytes.withUnsafeBytes { source in
                    view.writeTranslated(
                        of: source, ssrc: 0x0102_0304, payloadType: 111, sequenceNumber: 0xFFFE,
                        timestamp: 0x8000_0001, into: out)
                }
            }
            #expect(written == wanted.count)
            #expect(Array(output.prefix(wanted.count)) == wanted, "round \(round)")
            #expect(output[wanted.count...].allSatisfy { $0 == 0xEE }, "nothing written past the packet")
        }
    }

    @Test("a buffer too small, or bytes that are not the parsed packet, write nothing")
    func refusesShortBuffers() throws {
        var generator = SeededGenerator(seed: 7)
        let bytes = Self.packet(
            csrcs: 2, extensionWords: 1, payload: [1, 2, 3, 4], padding: 3, using: &generator)
        let view = try RTPHeaderView(parsing: bytes)
        var small = [UInt8](repeating: 0, count: view.translatedLength - 1)
        let written = small.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes {
                view.writeTranslated(of: $0, ssrc: 1, payloadType: 1, sequenceNumber: 1, timestamp: 1, into: out)
            }
        }
        #expect(written == nil)
        #expect(small.allSatisfy { $0 == 0 })
        var output = [UInt8](repeating: 0, count: 64)
        let truncated = Array(bytes.dropLast(2))
        let mismatched = output.withUnsafeMutableBytes { out in
            truncated.withUnsafeBytes {
                view.writeTranslated(of: $0, ssrc: 1, payloadType: 1, sequenceNumber: 1, timestamp: 1, into: out)
            }
        }
        #expect(mismatched == nil)
    }
}
