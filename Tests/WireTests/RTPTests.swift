import Fixtures
import Testing
@testable import ParleyWire

@Suite("RTP header, extensions and rewrites")
struct RTPTests {
    /// V=2 X=1 CC=2, M=1 PT=96, seq 0x1234, ts 0x11223344, SSRC 0xDEADBEEF, CSRCs 1 and 2,
    /// one-byte extension (id 1 len 1 = AA; padding 00; id 3 len 2 = BB CC) then payload 01 02 03.
    static let withExtension = hexBytes(
        """
        92 E0 12 34 11 22 33 44 DE AD BE EF 00 00 00 01 00 00 00 02
        BE DE 00 02 10 AA 00 31 BB CC 00 00
        01 02 03
        """)

    @Test("fixed header fields, CSRCs, one-byte extension and payload range are read from a hand-built packet")
    func parsesHandBuiltPacket() throws {
        let bytes = Self.withExtension
        let view = try RTPHeaderView(parsing: bytes)
        #expect(view.marker)
        #expect(view.payloadType == 96)
        #expect(view.sequenceNumber == 0x1234)
        #expect(view.timestamp == 0x1122_3344)
        #expect(view.ssrc == 0xDEAD_BEEF)
        #expect(view.csrcs(in: bytes) == [1, 2])
        #expect(view.extensionProfile == 0xBEDE)
        #expect(view.headerLength == 32)
        #expect(Array(bytes[view.payloadRange]) == [1, 2, 3])
        #expect(
            view.extensionElements(in: bytes) == [
                RTPExtensionElement(id: 1, data: [0xAA]),
                RTPExtensionElement(id: 3, data: [0xBB, 0xCC]),
            ])
        let packet = try RTPPacket.parse(bytes)
        #expect(packet.payload == [1, 2, 3])
        #expect(packet.csrcs == [1, 2])
    }

    @Test("two-byte (0x100X) extension elements, including zero-length ones, are read")
    func twoByteExtension() throws {
        let bytes = hexBytes(
            """
            90 6F 00 01 00 00 00 64 00 00 00 05
            10 07 00 02 01 00 14 03 AA BB CC 00
            FF
            """)
        let view = try RTPHeaderView(parsing: bytes)
        #expect(
            view.extensionElements(in: bytes) == [
                RTPExtensionElement(id: 1, data: []),
                RTPExtensionElement(id: 20, data: [0xAA, 0xBB, 0xCC]),
            ])
        #expect(Array(bytes[view.payloadRange]) == [0xFF])
    }

    @Test("an extension element's value is located and overwritten in place in both header forms")
    func extensionElementInPlace() throws {
        var bytes = Self.withExtension
        let view = try RTPHeaderView(parsing: bytes)
        let range = try #require(view.extensionElementRange(id: 3, in: bytes))
        #expect(range == 28..<30)
        bytes.replaceSubrange(range, with: [0x12, 0x34])
        #expect(view.extensionElements(in: bytes)?.last == RTPExtensionElement(id: 3, data: [0x12, 0x34]))
        #expect(view.extensionElementRange(id: 2, in: bytes) == nil)

        let ext = try #require(RTPHeaderExtension(elements: [.init(id: 1, data: []), .init(id: 20, data: [7, 8, 9])]))
        let packet = RTPPacket(
            payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, headerExtension: ext, payload: [1])
        let encoded = packet.encode()
        let twoByteView = try RTPHeaderView(parsing: encoded)
        let twoByteRange = try #require(twoByteView.extensionElementRange(id: 20, in: encoded))
        #expect(Array(encoded[twoByteRange]) == [7, 8, 9])
        #expect(twoByteView.extensionElementRange(id: 1, in: encoded)?.isEmpty == true)
    }

    @Test("one-byte id 15 stops extension parsing (RFC 8285 §4.2)")
    func reservedIDStops() {
        let ext = RTPHeaderExtension(profile: 0xBEDE, data: [0x10, 0xAA, 0xF0, 0x20, 0xBB, 0x00, 0x00, 0x00])
        #expect(ext.elements == [RTPExtensionElement(id: 1, data: [0xAA])])
    }

    @Test("extension blocks round-trip and pick one-byte or two-byte form by what the elements need")
    func extensionRoundTrips() throws {
        let small = [RTPExtensionElement(id: 4, data: Array("0".utf8)), RTPExtensionElement(id: 3, data: [0, 1])]
        let oneByte = try #require(RTPHeaderExtension(elements: small))
        #expect(oneByte.profile == 0xBEDE)
        #expect(oneByte.data == [0x40, 0x30, 0x31, 0x00, 0x01, 0, 0, 0])
        #expect(oneByte.elements == small)

        let mixed = [RTPExtensionElement(id: 15, data: [1]), RTPExtensionElement(id: 2, data: [])]
        let twoByte = try #require(RTPHeaderExtension(elements: mixed))
        #expect(twoByte.profile == 0x1000)
        #expect(twoByte.elements == mixed)
        #expect(RTPHeaderExtension(elements: [RTPExtensionElement(id: 0, data: [1])]) == nil)

        for ext in [oneByte, twoByte] {
            let packet = RTPPacket(
                payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 42, headerExtension: ext,
                payload: [9, 8, 7])
            let reparsed = try RTPPacket.parse(packet.encode())
            #expect(reparsed == packet)
            #expect(reparsed.extensionElements == ext.elements)
        }
    }

    @Test("padding is excluded from the payload and round-trips; bad padding counts are rejected")
    func padding() throws {
        let packet = RTPPacket(
            marker: false, payloadType: 100, sequenceNumber: 65535, timestamp: 1, ssrc: 2,
            payload: [1, 2, 3, 4, 5], paddingLength: 4)
        let bytes = packet.encode()
        #expect(bytes.count == 12 + 5 + 4)
        #expect(bytes[0] & 0x20 != 0)
        let view = try RTPHeaderView(parsing: bytes)
        #expect(view.paddingLength == 4)
        #expect(Array(bytes[view.payloadRange]) == [1, 2, 3, 4, 5])
        #expect(try RTPPacket.parse(bytes) == packet)

        var zeroCount = bytes
        zeroCount[zeroCount.count - 1] = 0
        #expect(throws: RTPParseError.badPadding) { try RTPHeaderView(parsing: zeroCount) }
        var tooLong = bytes
        tooLong[tooLong.count - 1] = 10
        #expect(throws: RTPParseError.badPadding) { try RTPHeaderView(parsing: tooLong) }
    }

    @Test("version other than 2 is rejected")
    func badVersion() {
        var bytes = Self.withExtension
        bytes[0] = 0x52
        #expect(throws: RTPParseError.badVersion) { try RTPHeaderView(parsing: bytes) }
    }

    @Test("truncation at every length: shorter than the header throws, longer keeps a shorter payload")
    func truncation() throws {
        let bytes = Self.withExtension
        for length in 0...bytes.count {
            let prefix = Array(bytes.prefix(length))
            if length < 32 {
                #expect(throws: RTPParseError.self) { try RTPHeaderView(parsing: prefix) }
            } else {
                let view = try RTPHeaderView(parsing: prefix)
                #expect(view.payloadRange == 32..<length)
            }
        }
    }

    @Test("random bytes never trap the RTP parser")
    func randomInput() {
        var random = SeededGenerator(seed: 3550)
        for _ in 0..<5000 {
            var bytes = random.bytes(random.int(below: 64))
            if !bytes.isEmpty { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
            if let view = try? RTPHeaderView(parsing: bytes) {
                for id in UInt8(1)...15 { _ = view.extensionElementRange(id: id, in: bytes) }
                _ = view.csrcs(in: bytes)
                _ = view.extensionElements(in: bytes)
                #expect(view.payloadRange.upperBound <= bytes.count)
            }
        }
    }

    @Test("SSRC, sequence number, timestamp, PT and marker are rewritten in place without touching the rest")
    func inPlaceRewrite() throws {
        var bytes = Self.withExtension
        RTPRewrite.setSSRC(0x0102_0304, in: &bytes)
        RTPRewrite.setSequenceNumber(0xFFFF, in: &bytes)
        RTPRewrite.setTimestamp(0xCAFE_BABE, in: &bytes)
        RTPRewrite.setPayloadType(111, in: &bytes)
        RTPRewrite.setMarker(false, in: &bytes)
        let view = try RTPHeaderView(parsing: bytes)
        #expect(view.ssrc == 0x0102_0304)
        #expect(view.sequenceNumber == 0xFFFF)
        #expect(view.timestamp == 0xCAFE_BABE)
        #expect(view.payloadType == 111)
        #expect(!view.marker)
        #expect(Array(bytes[12...]) == Array(Self.withExtension[12...]))
        var short: [UInt8] = [0x80, 0x60]
        #expect(!RTPRewrite.setSSRC(1, in: &short))
    }
}

@Suite("RFC 7983 demultiplexing")
struct DemuxTests {
    @Test("first-byte ranges map to STUN, DTLS, RTP/RTCP and unknown at every boundary")
    func firstByteRanges() {
        for byte in 0...255 {
            let kind = PacketKind.classify(firstByte: UInt8(byte))
            switch byte {
            case 0...3: #expect(kind == .stun)
            case 20...63: #expect(kind == .dtls)
            case 128...191: #expect(kind == .rtpOrRTCP)
            default: #expect(kind == .unknown, "byte \(byte)")
            }
        }
        #expect(PacketKind.classify([UInt8]()) == .unknown)
        #expect(PacketKind.classify(RFC5769.request) == .stun)
    }

    @Test("RTCP packet types 192-223 in byte 1 select RTCP (RFC 5761 §4)")
    func rtpVersusRTCP() {
        #expect(RTPOrRTCP.classify([0x80, 0x6F]) == .rtp)
        #expect(RTPOrRTCP.classify([0x80, 0xEF]) == .rtp) // marker + PT 111
        #expect(RTPOrRTCP.classify([0x80, 200]) == .rtcp)
        #expect(RTPOrRTCP.classify([0x81, 223]) == .rtcp)
        #expect(RTPOrRTCP.classify([0x80, 224]) == .rtp)
        #expect(RTPOrRTCP.classify([0x80, 191]) == .rtp)
        #expect(RTPOrRTCP.classify([0x80]) == nil)
        #expect(RTPOrRTCP.classify([0x40, 200]) == nil)
    }
}

@Suite("Byte helpers and IP addresses")
struct ByteAndAddressTests {
    @Test("ByteReader reads big-endian values and returns nil without moving on short input")
    func byteReader() {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0xFF, 0xFF, 0xFE])
        #expect(reader.readUInt16() == 0x0102)
        #expect(reader.readUInt24() == 0x03_0405)
        #expect(reader.readUInt32() == nil)
        #expect(reader.offset == 5)
        #expect(reader.readBytes(3) == [0xFF, 0xFF, 0xFE])
        #expect(reader.readUInt8() == nil)
        #expect(reader.readBytes(-1) == nil)
        var slice = ByteReader([9, 9, 1, 2, 3, 4][2...])
        #expect(slice.readUInt32() == 0x0102_0304)
    }

    @Test("IPv4 and IPv6 text round-trips in RFC 5952 canonical form; bad text is rejected")
    func ipAddresses() {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("2001:0db8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("::ffff:192.0.2.1")?.bytes.suffix(6) == [0xFF, 0xFF, 192, 0, 2, 1])
        #expect(IPAddress("2001:db8:0:1:0:0:0:1")?.description == "2001:db8:0:1::1")
        for bad in ["256.1.1.1", "1.2.3", "1::2::3", "12345::", "abc", "", ":::", "1.2.3.4.5", "1:2:3:4:5:6:7:8:9"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }
}
