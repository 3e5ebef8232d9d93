import Foundation
import ParleyWire
import Testing

/// IPv4 + UDP around `payload` (RFC 791, RFC 768); checksums left zero, as offloaded captures have them.
func ipv4UDP(
    source: [UInt8] = [127, 0, 0, 1], sourcePort: UInt16 = 5004,
    destination: [UInt8] = [127, 0, 0, 1], destinationPort: UInt16 = 40000, payload: [UInt8]
) -> [UInt8] {
    let udpLength = 8 + payload.count
    let total = 20 + udpLength
    return [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0x40, 0, 64, 17, 0, 0] + source + destination
        + [
            UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff), UInt8(destinationPort >> 8),
            UInt8(destinationPort & 0xff),
            UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0,
        ] + payload
}

/// IPv6 + UDP around `payload` (RFC 8200 §3), ::1 to ::1.
func ipv6UDP(sourcePort: UInt16 = 5004, destinationPort: UInt16 = 40000, payload: [UInt8]) -> [UInt8] {
    let udpLength = 8 + payload.count
    let loopback = [UInt8](repeating: 0, count: 15) + [1]
    return [0x60, 0, 0, 0, UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 17, 64] + loopback + loopback
        + [
            UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff), UInt8(destinationPort >> 8),
            UInt8(destinationPort & 0xff),
            UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0,
        ] + payload
}

func temporaryCapturePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).pcap").path
}

@Suite("libpcap")
struct PcapTests {
    @Test("pcap write then read keeps timestamps")
    func writeThenRead() throws {
        let path = temporaryCapturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stamps = [
            PcapTimestamp(seconds: 1_700_000_000, microseconds: 1),
            PcapTimestamp(seconds: 1_700_000_000, microseconds: 999_999),
            PcapTimestamp(seconds: 1_700_000_123, microseconds: 456_789),
        ]
        let packets = stamps.indices.map { ipv4UDP(payload: [UInt8](repeating: UInt8($0), count: 10 + $0)) }
        let writer = try PcapWriter(path: path, linkType: .raw)
        for (packet, stamp) in zip(packets, stamps) { try writer.write(packet, timestamp: stamp) }
        writer.close()

        let reader = try PcapReader(path: path)
        #expect(reader.linkType == .raw)
        let records = try reader.readAll()
        #expect(records.map(\.timestamp) == stamps)
        #expect(
            records.map(\.timestamp.totalMicroseconds) == [
                1_700_000_000_000_001, 1_700_000_000_999_999,
                1_700_000_123_456_789,
            ])
        #expect(records.map(\.bytes) == packets)
        #expect(records.map(\.originalLength) == packets.map(\.count))
        #expect(
            records.map { $0.udpDatagram?.payload }
                == packets.indices.map { [UInt8](repeating: UInt8($0), count: 10 + $0) })
    }

    @Test("every supported link type round-trips through a file and yields its UDP payload")
    func linkTypesRoundTrip() throws {
        let payload: [UInt8] = [0x80, 111, 0, 1, 2, 3, 4, 5]
        let ip = ipv4UDP(payload: payload)
        let frames: [(PcapLinkType, [UInt8])] = [
            (.raw, ip),
            (.null, [2, 0, 0, 0] + ip),
            (.ethernet, [UInt8](repeating: 0xaa, count: 12) + [0x08, 0x00] + ip),
            (.linuxCooked, [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0, count: 8) + [0x08, 0x00] + ip),
        ]
        for (linkType, frame) in frames {
            let path = temporaryCapturePath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let writer = try PcapWriter(path: path, linkType: linkType)
            try writer.write(frame, timestamp: PcapTimestamp(seconds: 10, microseconds: 20))
            writer.close()
            let records = try PcapReader(path: path).readAll()
            #expect(records.count == 1)
            #expect(records.first?.linkType == linkType)
            let datagram = try #require(records.first?.udpDatagram, "\(linkType)")
            #expect(datagram.payload == payload)
            #expect(datagram.sourcePort == 5004 && datagram.destinationPort == 40000)
            #expect(datagram.sourceAddress.description == "127.0.0.1")
        }
    }

    @Test("a snap length cuts records but keeps the original length")
    func snapLength() throws {
        let path = temporaryCapturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path, linkType: .raw, snapLength: 30)
        try writer.write(
            ipv4UDP(payload: Array(repeating: 7, count: 100)), timestamp: PcapTimestamp(seconds: 1, microseconds: 0))
        writer.close()
        let record = try #require(try PcapReader(path: path).readAll().first)
        #expect(record.bytes.count == 30)
        #expect(record.originalLength == 128)
        #expect(record.udpDatagram == nil, "a cut datagram is not reported as whole")
    }

    @Test("opening a missing or non-pcap file throws")
    func badFilesThrow() throws {
        #expect(throws: PcapError.self) { try PcapReader(path: "/nonexistent/parley.pcap") }
        let path = temporaryCapturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not a capture at all, just text".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PcapError.self) { try PcapReader(path: path) }
    }
}

@Suite("UDP extraction from captured frames")
struct CapturedUDPDatagramTests {
    let payload: [UInt8] = Array("stun-or-rtp".utf8)

    @Test("IPv6 over RAW, NULL (BSD AF_INET6 = 30) and Ethernet with a VLAN tag")
    func ipv6AndVLAN() throws {
        let ip6 = ipv6UDP(payload: payload)
        let viaRaw = try #require(CapturedUDPDatagram(frame: ip6, linkType: .raw))
        #expect(viaRaw.payload == payload)
        #expect(viaRaw.sourceAddress.description == "::1")
        #expect(CapturedUDPDatagram(frame: [30, 0, 0, 0] + ip6, linkType: .null)?.payload == payload)
        let vlan = [UInt8](repeating: 0, count: 12) + [0x81, 0x00, 0x00, 0x05, 0x86, 0xdd] + ip6
        #expect(CapturedUDPDatagram(frame: vlan, linkType: .ethernet)?.payload == payload)
    }

    @Test("an IPv6 hop-by-hop header is skipped")
    func ipv6ExtensionHeader() throws {
        var ip6 = ipv6UDP(payload: payload)
        let udp = Array(ip6[40...])
        let hopByHop: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0] // next = UDP, 8 bytes, PadN
        let length = udp.count + hopByHop.count
        ip6[4] = UInt8(length >> 8); ip6[5] = UInt8(length & 0xff); ip6[6] = 0
        let frame = Array(ip6[..<40]) + hopByHop + udp
        #expect(CapturedUDPDatagram(frame: frame, linkType: .raw)?.payload == payload)
    }

    @Test("every truncation of a frame, fragments, TCP and unknown link types give nil")
    func truncationGivesNil() throws {
        let frames: [(PcapLinkType, [UInt8])] = [
            (.raw, ipv4UDP(payload: payload)), (.raw, ipv6UDP(payload: payload)),
            (.ethernet, [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ipv4UDP(payload: payload)),
            (.linuxCooked, [UInt8](repeating: 0, count: 14) + [0x86, 0xdd] + ipv6UDP(payload: payload)),
        ]
        for (linkType, frame) in frames {
            #expect(CapturedUDPDatagram(frame: frame, linkType: linkType)?.payload == payload)
            for cut in 0..<frame.count {
                #expect(CapturedUDPDatagram(frame: Array(frame.prefix(cut)), linkType: linkType) == nil)
            }
        }
        var fragment = ipv4UDP(payload: payload)
        fragment[6] = 0x20 // More Fragments
        #expect(CapturedUDPDatagram(frame: fragment, linkType: .raw) == nil)
        var tcp = ipv4UDP(payload: payload)
        tcp[9] = 6
        #expect(CapturedUDPDatagram(frame: tcp, linkType: .raw) == nil)
        #expect(CapturedUDPDatagram(frame: ipv4UDP(payload: payload), linkType: PcapLinkType(rawValue: 147)) == nil)
        var badUDPLength = ipv4UDP(payload: payload)
        badUDPLength[25] = 200
        #expect(CapturedUDPDatagram(frame: badUDPLength, linkType: .raw) == nil)
    }

    @Test("a datagram encoded as a RAW IP packet parses back, with valid IPv4 header and UDP checksums")
    func encodeThenParse() throws {
        for (source, destination) in [("127.0.0.1", "127.0.0.2"), ("::1", "fe80::1")] {
            let datagram = CapturedUDPDatagram(
                sourceAddress: try #require(IPAddress(source)), sourcePort: 50_000,
                destinationAddress: try #require(IPAddress(destination)), destinationPort: 3478, payload: payload)
            let packet = try #require(datagram.rawIPPacket())
            #expect(CapturedUDPDatagram(frame: packet, linkType: .raw) == datagram)
            let ipHeaderLength = source.contains(":") ? 40 : 20
            if ipHeaderLength == 20 {
                #expect(CapturedUDPDatagram.internetChecksum(Array(packet.prefix(20))) == 0, "IPv4 header checksum")
            }
            // Verifying: the sum over pseudo-header + UDP including its checksum is all ones (RFC 768, RFC 8200 §8.1).
            let udp = Array(packet[ipHeaderLength...])
            let length: [UInt8] = [UInt8(udp.count >> 8), UInt8(udp.count & 0xff)]
            let pseudo =
                datagram.sourceAddress.bytes + datagram.destinationAddress.bytes
                + (ipHeaderLength == 20 ? [0, 17] + length : [0, 0] + length + [0, 0, 0, 17])
            #expect(CapturedUDPDatagram.internetChecksum(pseudo + udp) == 0)
        }
        // The worked IPv4 example from Wikipedia's "Internet checksum" article: 0xB861.
        let example: [UInt8] = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
            0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ]
        #expect(CapturedUDPDatagram.internetChecksum(example) == 0xb861)
        let mixed = CapturedUDPDatagram(
            sourceAddress: try #require(IPAddress("127.0.0.1")), sourcePort: 1,
            destinationAddress: try #require(IPAddress("::1")), destinationPort: 2,
            payload: [])
        #expect(mixed.rawIPPacket() == nil)
    }
}
