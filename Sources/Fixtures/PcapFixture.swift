import Foundation
import ParleyWire

/// UDP captures built in memory from generated streams, for reader and replay tests: datagrams with timestamps,
/// framed by ``CaptureLinkFraming`` and written by ``CaptureFileBytes`` (classic pcap or pcapng).
public enum PcapFixture {
    public struct Packet: Sendable, Hashable {
        public var timestampMicros: Int64
        public var datagram: CapturedUDPDatagram
        public init(timestampMicros: Int64, datagram: CapturedUDPDatagram) {
            self.timestampMicros = timestampMicros
            self.datagram = datagram
        }
    }

    /// The records of `packets` framed for `link` (datagrams with no IP form, mixed families, are left out).
    public static func records(_ packets: [Packet], link: PcapLinkType) -> [(microseconds: Int64, frame: [UInt8])] {
        packets.compactMap { packet in
            packet.datagram.rawIPPacket().map {
                (packet.timestampMicros, CaptureLinkFraming.frame($0, linkType: link))
            }
        }
    }

    /// A classic pcap file in memory.
    public static func pcap(_ packets: [Packet], link: PcapLinkType = .raw) -> [UInt8] {
        CaptureFileBytes.pcap(linkType: link, records: records(packets, link: link))
    }

    /// A pcapng file in memory: one section, one interface of `link` (microsecond timestamps).
    public static func pcapng(_ packets: [Packet], link: PcapLinkType = .raw) -> [UInt8] {
        CaptureFileBytes.pcapng(linkType: link, records: records(packets, link: link))
    }

    /// Datagrams of an RTP train from `source` to `destination`, timestamped from `startMicros` (lost ones left out).
    public static func packets(
        _ train: [TimedRTPPacket], from source: STUNAddress, to destination: STUNAddress,
        startMicros: Int64 = 1_700_000_000_000_000
    ) -> [Packet] {
        train.filter(\.delivered).map { timed in
            Packet(
                timestampMicros: startMicros + timed.offsetMicros,
                datagram: CapturedUDPDatagram(
                    sourceAddress: source.ip, sourcePort: source.port, destinationAddress: destination.ip,
                    destinationPort: destination.port, payload: timed.bytes))
        }
    }

    /// Writes `bytes` to a new file in a fresh temporary directory and returns its path.
    public static func writeTemporary(_ bytes: [UInt8], name: String = "fixture.pcap") throws -> String {
        let directory = NSTemporaryDirectory() + "parley-fixture-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
