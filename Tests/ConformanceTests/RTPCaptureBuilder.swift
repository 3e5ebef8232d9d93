import Fixtures
import Foundation
import ParleyWire

/// Builds RTP trains with known timing as pcap records (raw IP), and writes them to a temporary file, so the
/// replay tests make their inputs instead of committing binaries.
struct RTPCaptureBuilder {
    var records: [PcapRecord] = []
    var random = SeededGenerator(seed: 18)

    static let publisher = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 40_000)
    static let server = STUNAddress(ip: IPAddress("127.0.0.1")!, port: 9_000)

    /// `count` packets from `start` µs, one every `interval` µs, the timestamp advancing `step` per packet; packets
    /// whose index is in `missing` are left out (capture loss); `extensions` adds RFC 8285 elements to each.
    mutating func addStream(
        ssrc: UInt32, payloadType: UInt8, count: Int, start: Int64 = 1_700_000_000_000_000, interval: Int64 = 20_000,
        step: UInt32 = 960, firstSequence: UInt16 = 100, firstTimestamp: UInt32 = 5_000, missing: Set<Int> = [],
        sourcePort: UInt16 = 40_000, extensions: [RTPExtensionElement] = []
    ) {
        for index in 0..<count where !missing.contains(index) {
            let packet = RTPPacket(
                marker: index == 0, payloadType: payloadType,
                sequenceNumber: firstSequence &+ UInt16(truncatingIfNeeded: index),
                timestamp: firstTimestamp &+ step &* UInt32(index), ssrc: ssrc,
                headerExtension: extensions.isEmpty ? nil : RTPHeaderExtension(elements: extensions),
                payload: random.bytes(40 + index % 7))
            add(packet.encode(), at: start + Int64(index) * interval, sourcePort: sourcePort)
        }
    }

    mutating func add(_ payload: [UInt8], at time: Int64, sourcePort: UInt16 = 40_000) {
        let datagram = CapturedUDPDatagram(
            sourceAddress: Self.publisher.ip, sourcePort: sourcePort, destinationAddress: Self.server.ip,
            destinationPort: Self.server.port, payload: payload)
        records.append(
            PcapRecord(
                timestamp: PcapTimestamp(totalMicroseconds: time), bytes: datagram.rawIPPacket()!, linkType: .raw))
    }

    /// The records in capture-time order (as a recorder writes them).
    var sorted: [PcapRecord] {
        records.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(
            \.element)
    }

    func write(to path: String) throws {
        let writer = try PcapWriter(path: path, linkType: .raw)
        for record in sorted { try writer.write(record) }
        writer.close()
    }
}
