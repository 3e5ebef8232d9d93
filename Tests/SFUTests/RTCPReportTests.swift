import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite("RTCP terminated per leg: Receiver Reports to publishers, Sender Reports to subscribers (RFC 3550 §6.4)")
struct RTCPReportTests {
    @Test(
        "after a second the publisher gets an RR counting its loss, the subscriber an SR for its SSRC, both with CNAME")
    func reports() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 40_070)
        let subscriber = try TestClient(port: 40_071)
        try net.open(.publisher, path: "live/r", client: publisher)
        try net.connect(publisher)
        try net.open(.subscriber, path: "live/r", client: subscriber)
        try net.connect(subscriber)
        publisher.receivedRTCP.removeAll()
        subscriber.receivedRTCP.removeAll()

        var packets: [[UInt8]] = []
        for _ in 0..<10 { packets.append(try publisher.nextProtectedRTP()) }
        for (index, packet) in packets.enumerated() where index != 4 && index != 5 {
            net.toServer(packet, from: publisher)
        }
        net.pump()
        // The first tick schedules the reports, the next ones send them.
        for _ in 0..<3 { net.advance(by: .milliseconds(1100)) }

        let receiverReports = publisher.receivedRTCP.compactMap {
            if case .receiverReport(let r) = $0 { r } else { nil }
        }
        let block = try #require(receiverReports.first?.reports.first)
        #expect(block.ssrc == 0x1234_5678)
        #expect(block.cumulativeLost == 2)
        #expect(block.extendedHighestSequence == UInt32(publisher.sentSequence))
        #expect(block.fractionLost == UInt8((2 << 8) / 10))
        #expect(publisher.receivedRTCP.contains { if case .sourceDescription = $0 { true } else { false } })

        let senderReports = subscriber.receivedRTCP.compactMap { if case .senderReport(let r) = $0 { r } else { nil } }
        let report = try #require(senderReports.last)
        let section = try #require(subscriber.answer?.media.first { $0.port != 0 })
        #expect(report.ssrc == section.ssrcs.first?.ssrc)
        #expect(report.packetCount == 8)
        let last = try #require(subscriber.receivedRTP.last)
        // Sent at the last tick, 3.3 s after the last packet: 3.3 × 48 kHz later in RTP time.
        #expect(report.rtpTimestamp &- last.timestamp == 158_400)
    }
}
