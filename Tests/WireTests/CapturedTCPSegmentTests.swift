import Fixtures
import Foundation
import ParleyWire
import Testing

@Suite("TCP extraction from captured frames")
struct CapturedTCPSegmentTests {
    let v4 = IPAddress("127.0.0.1")!
    let v6 = IPAddress("::1")!

    func segment(_ address: IPAddress, payload: [UInt8] = Array("hello".utf8)) -> CapturedTCPSegment {
        CapturedTCPSegment(
            sourceAddress: address, sourcePort: 50_123, destinationAddress: address, destinationPort: 8080,
            sequenceNumber: 0xffff_fff0, acknowledgmentNumber: 77, flags: [.ack, .psh], window: 512,
            payload: payload)
    }

    @Test("a segment encodes and parses back over every link type, IPv4 and IPv6, with a valid checksum")
    func roundTripEveryLinkType() throws {
        for address in [v4, v6] {
            let original = segment(address)
            let packet = try #require(original.rawIPPacket())
            let ipHeader = address.isIPv4 ? 20 : 40
            let length: [UInt8] = [UInt8((packet.count - ipHeader) >> 8), UInt8((packet.count - ipHeader) & 0xff)]
            let pseudo =
                address.bytes + address.bytes
                + (address.isIPv4 ? [0, 6] + length : [0, 0] + length + [0, 0, 0, 6])
            #expect(CapturedUDPDatagram.internetChecksum(pseudo + Array(packet[ipHeader...])) == 0)
            for linkType in CaptureLinkFraming.supported {
                let frame = CaptureLinkFraming.frame(packet, linkType: linkType)
                #expect(CapturedTCPSegment(frame: frame, linkType: linkType) == original, "\(linkType)")
                #expect(CapturedUDPDatagram(frame: frame, linkType: linkType) == nil, "TCP is not UDP")
            }
        }
    }

    @Test("LINUX_SLL2 files written by libpcap read back through PcapReader, pcap and pcapng alike")
    func sll2ThroughLibpcap() throws {
        let udp = CapturedUDPDatagram(
            sourceAddress: v6, sourcePort: 5004, destinationAddress: v6, destinationPort: 5006, payload: [1, 2, 3])
        let udpPacket = try #require(udp.rawIPPacket())
        let tcpPacket = try #require(segment(v4).rawIPPacket())
        let frames = [
            CaptureLinkFraming.frame(udpPacket, linkType: .linuxCookedV2),
            CaptureLinkFraming.frame(tcpPacket, linkType: .linuxCookedV2),
        ]
        let records = frames.enumerated().map { (Int64(1_700_000_000_000_000 + $0.offset), $0.element) }
        for bytes in [
            CaptureFileBytes.pcap(linkType: .linuxCookedV2, records: records),
            CaptureFileBytes.pcapng(linkType: .linuxCookedV2, records: records),
        ] {
            let path = temporaryCapturePath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let reader = try PcapReader(path: path)
            #expect(reader.linkType == .linuxCookedV2)
            #expect(reader.linkType.description == "LINUX_SLL2")
            let read = try reader.readAll()
            #expect(read.map(\.timestamp.totalMicroseconds) == records.map(\.0))
            #expect(read.first?.udpDatagram?.payload == [1, 2, 3])
            #expect(read.last?.tcpSegment == segment(v4))
        }
    }

    @Test("every truncation and every lying header length gives nil, never a trap")
    func malformedFramesGiveNil() throws {
        for (name, frame) in MalformedCaptureCorpus.tcpFrames() {
            #expect(CapturedTCPSegment(frame: frame, linkType: .raw) == nil, "\(name)")
        }
        let packet = try #require(segment(v6).rawIPPacket())
        let frame = CaptureLinkFraming.frame(packet, linkType: .linuxCookedV2)
        for cut in 0..<frame.count {
            #expect(CapturedTCPSegment(frame: Array(frame.prefix(cut)), linkType: .linuxCookedV2) == nil)
        }
        var notIP = frame
        notIP[0] = 0x08; notIP[1] = 0x06 // ARP
        #expect(CapturedTCPSegment(frame: notIP, linkType: .linuxCookedV2) == nil)
    }

    @Test("flags, window and an empty payload are read as sent")
    func flags() throws {
        var syn = segment(v4, payload: [])
        syn.flags = [.syn]
        let packet = try #require(syn.rawIPPacket())
        let parsed = try #require(CapturedTCPSegment(frame: packet, linkType: .raw))
        #expect(parsed.flags == [.syn] && parsed.payload.isEmpty && parsed.window == 512)
        #expect(parsed.sequenceNumber == 0xffff_fff0 && parsed.acknowledgmentNumber == 77)
    }
}
