import ParleyWire

/// Damaged capture files and hostile TCP segment sequences for the readers' robustness tests (issue 18):
/// every entry is deterministic and named for what is wrong with it.
public enum MalformedCaptureCorpus {
    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// A small valid capture (two UDP and two TCP packets) the damaged variants derive from.
    static func validRecords() -> [(microseconds: Int64, frame: [UInt8])] {
        let loopback = IPAddress("127.0.0.1")!
        var conversation = TCPConversationBuilder(client: (loopback, 50_000), server: (loopback, 8080))
        conversation.handshake()
        conversation.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), fromClient: true)
        let udp = CapturedUDPDatagram(
            sourceAddress: loopback, sourcePort: 5004, destinationAddress: loopback, destinationPort: 5006,
            payload: [0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])
        return [(1_700_000_000_000_000, udp.rawIPPacket()!)]
            + TCPConversationBuilder.records(conversation.segments, linkType: .raw)
    }

    /// pcap and pcapng files damaged in the ways real captures break: cut short anywhere, wrong magic, record and
    /// block lengths that lie.
    public static func files() -> [File] {
        let records = validRecords()
        let pcap = CaptureFileBytes.pcap(linkType: .raw, records: records)
        let pcapng = CaptureFileBytes.pcapng(linkType: .raw, records: records)
        var files: [File] = [
            File(name: "empty", bytes: []),
            File(name: "wrong-magic", bytes: [0xde, 0xad, 0xbe, 0xef] + pcap.dropFirst(4)),
            File(name: "pcap-header-truncated", bytes: Array(pcap.prefix(13))),
            File(name: "pcap-record-header-truncated", bytes: Array(pcap.prefix(24 + 9))),
            File(name: "pcap-record-data-truncated", bytes: Array(pcap.prefix(pcap.count - 7))),
            File(name: "pcapng-shb-truncated", bytes: Array(pcapng.prefix(18))),
            File(name: "pcapng-block-truncated", bytes: Array(pcapng.prefix(pcapng.count - 5))),
            File(name: "text", bytes: Array("GET / HTTP/1.1\r\n\r\n not a capture".utf8)),
        ]
        // incl_len far beyond the snap length and the file (libpcap refuses rather than allocating).
        var hugeRecord = pcap
        hugeRecord.replaceSubrange(32..<36, with: CaptureFileBytes.le32(0x7fff_fff0))
        files.append(File(name: "pcap-record-length-huge", bytes: hugeRecord))
        // An Enhanced Packet Block whose trailing length disagrees with its leading one.
        var mismatch = pcapng
        mismatch.replaceSubrange((mismatch.count - 4)..<mismatch.count, with: CaptureFileBytes.le32(1024))
        files.append(File(name: "pcapng-block-length-mismatch", bytes: mismatch))
        // A block length that is not a multiple of four, and one shorter than a block header.
        let shbLength = 28
        var odd = pcapng
        odd.replaceSubrange((shbLength + 4)..<(shbLength + 8), with: CaptureFileBytes.le32(21))
        files.append(File(name: "pcapng-block-length-unaligned", bytes: odd))
        var tiny = pcapng
        tiny.replaceSubrange((shbLength + 4)..<(shbLength + 8), with: CaptureFileBytes.le32(4))
        files.append(File(name: "pcapng-block-length-too-small", bytes: tiny))
        // A packet block before any interface description.
        let noInterface =
            Array(pcapng.prefix(shbLength))
            + CaptureFileBytes.enhancedPacket(
                microseconds: 1, frame: records[0].frame)
        files.append(File(name: "pcapng-packet-without-interface", bytes: noInterface))
        // Seeded byte flips over the record area of both formats.
        var generator = SeededGenerator(seed: 18)
        for round in 0..<8 {
            var flipped = round % 2 == 0 ? pcap : pcapng
            for _ in 0..<6 {
                let position = 24 + generator.int(below: flipped.count - 24)
                flipped[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            }
            files.append(File(name: "\(round % 2 == 0 ? "pcap" : "pcapng")-flipped-\(round)", bytes: flipped))
        }
        return files
    }

    /// Frames whose IP or TCP header lies (every truncation of a valid TCP packet, data offsets out of range).
    public static func tcpFrames() -> [(name: String, frame: [UInt8])] {
        let packet = validRecords().last!.frame
        var frames = (0..<packet.count).map { ("tcp-cut-\($0)", Array(packet.prefix($0))) }
        var shortOffset = packet
        shortOffset[20 + 12] = 4 << 4 // a data offset below the fixed header
        frames.append(("tcp-data-offset-below-20", shortOffset))
        var longOffset = packet
        longOffset[20 + 12] = 15 << 4 // 60 bytes of header in a shorter packet
        frames.append(("tcp-data-offset-beyond-packet", longOffset))
        var ipLength = packet
        ipLength[2] = 0xff
        frames.append(("ip-total-length-beyond-frame", ipLength))
        return frames
    }
}
