import Foundation
import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite("Per-path metrics and round trips in the plane", .serialized)
struct PathMetricsTests {
    @Test("a path's counters exist while it has sessions, shared by them, and are removed with its last session")
    func lifecycle() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 43_100)
        let publisherSession = try net.open(.publisher, path: "live/m", client: publisher, video: .vp8(97))
        let metrics = try #require(net.core.metricsByPath["live/m"])
        let player = try TestClient(port: 43_101)
        let playerSession = try net.open(.subscriber, path: "live/m", client: player, video: .vp8(96))
        #expect(net.core.sessions[playerSession.id]?.pathMetrics === metrics)
        #expect(net.core.sessions[publisherSession.id]?.pathMetrics === metrics)
        net.core.close(publisherSession.id, now: net.now, reason: "test")
        // The player still holds the path.
        #expect(net.core.metricsByPath["live/m"] === metrics)
        net.core.close(playerSession.id, now: net.now, reason: "test")
        #expect(net.core.metricsByPath["live/m"] == nil)
    }

    @Test("RFC 3550 §6.4.1: a player's RR echoing our SR gives its round trip, which paces NACK answers")
    func roundTripFromReceiverReport() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 43_110, payloadType: 111)
        try net.open(.publisher, path: "live/rtt", client: publisher, video: .vp8(97))
        try net.connect(publisher)
        let player = try TestClient(port: 43_111, payloadType: 111)
        let playerSession = try net.open(.subscriber, path: "live/rtt", client: player, video: .vp8(96))
        try net.connect(player)
        net.toServer(try publisher.nextProtectedVideo(ssrc: 0x0BAD_CAFE, payloadType: 97), from: publisher)
        net.pump()
        for _ in 0..<3 { net.advance(by: .milliseconds(1100)) }
        let videoSSRC = try #require(player.declaredSSRC("video"))
        let report = try #require(
            player.receivedRTCP.compactMap { if case .senderReport(let r) = $0, r.ssrc == videoSSRC { r } else { nil } }
                .last)
        // Answered 80 ms after the SR left, 30 ms of it held at the player: a 50 ms round trip.
        net.now = net.now + .milliseconds(80)
        let block = RTCPReportBlock(
            ssrc: videoSSRC, lastSenderReport: UInt32(truncatingIfNeeded: report.ntpTimestamp >> 16),
            delaySinceLastSenderReport: UInt32(30 * 65_536 / 1000))
        net.toServer(
            try player.protectedRTCP([.receiverReport(RTCPReceiverReport(ssrc: 0x5151, reports: [block]))]),
            from: player)
        net.pump()
        let measured = try #require(net.core.sessions[playerSession.id]?.roundTrip.smoothed)
        #expect(abs((measured - .milliseconds(50)) / .milliseconds(1)) < 1)
    }
}
