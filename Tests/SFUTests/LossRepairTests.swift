import Foundation
import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite(
    "Loss repair in virtual time: NACKs from the history (RTX or plain), upstream NACKs, translated SRs, REMB",
    .serialized)
struct LossRepairTests {
    static let videoSSRC: UInt32 = 0x0BAD_CAFE
    static let publisherRTXSSRC: UInt32 = 0x0BAD_F00D

    /// VP8 on 96 with NACK but no RTX.
    static let vp8WithoutRTX = VideoOffer(
        payloadTypes: [96], lines: ["a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli"])

    /// A connected audio+VP8 publisher (VP8 97, RTX 98, goog-remb) and a connected player offering `video`.
    func session(ports: UInt16, player video: VideoOffer) throws -> (VirtualNetwork, TestClient, TestClient) {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: ports, payloadType: 111)
        try net.open(.publisher, path: "live/repair", client: publisher, video: .vp8(97))
        try net.connect(publisher)
        let player = try TestClient(port: ports + 1, payloadType: 111)
        try net.open(.subscriber, path: "live/repair", client: player, video: video)
        try net.connect(player)
        return (net, publisher, player)
    }

    /// Sends `count` video packets; those whose index is in `lost` are built (sequence numbers move on) but not
    /// delivered. Returns every packet built, in order.
    @discardableResult
    func sendVideo(_ net: VirtualNetwork, _ publisher: TestClient, count: Int, lost: Set<Int> = []) throws
        -> [RTPPacket]
    {
        var built: [RTPPacket] = []
        for index in 0..<count {
            let protected = try publisher.nextProtectedVideo(ssrc: Self.videoSSRC, payloadType: 97)
            built.append(
                RTPPacket(
                    payloadType: 97, sequenceNumber: publisher.videoSequence, timestamp: publisher.videoTimestamp,
                    ssrc: Self.videoSSRC, payload: TestClient.videoPayload(publisher.videoSequence)))
            if !lost.contains(index) { net.toServer(protected, from: publisher) }
            net.pump()
        }
        return built
    }

    func nacks(_ client: TestClient) -> [RTCPGenericNACK] {
        client.receivedRTCP.compactMap { if case .genericNACK(let n) = $0 { n } else { nil } }
    }

    func sendNACK(_ net: VirtualNetwork, from player: TestClient, mediaSSRC: UInt32, lost: [UInt16]) throws {
        let nack = RTCPGenericNACK(senderSSRC: 0x5151, mediaSSRC: mediaSSRC, lostSequenceNumbers: lost)
        net.toServer(try player.protectedRTCP([.genericNACK(nack)]), from: player)
        net.pump()
    }

    @Test("a player that offered RTX gets the lost packet from the history as RTX (RFC 4588 §4), once per round trip")
    func answeredAsRTX() throws {
        let (net, publisher, player) = try session(ports: 43_000, player: .vp8(96))
        try sendVideo(net, publisher, count: 10)
        let videoSSRC = try #require(player.declaredSSRC("video"))
        let group = try #require(player.answer?.media.first { $0.kind == "video" }?.ssrcGroups.first)
        #expect(group.semantics == "FID" && group.ssrcs.first == videoSSRC)
        let rtxSSRC = try #require(group.ssrcs.last)
        let video = player.receivedRTP.filter { $0.ssrc == videoSSRC }
        #expect(video.count == 10)
        let wanted = video[4]
        player.receivedRTP.removeAll()

        try sendNACK(net, from: player, mediaSSRC: videoSSRC, lost: [wanted.sequenceNumber])
        let resent = try #require(player.receivedRTP.first)
        #expect(player.receivedRTP.count == 1)
        #expect(resent.ssrc == rtxSSRC && resent.payloadType == 97)
        #expect(resent.timestamp == wanted.timestamp)
        let restored = try #require(
            RTXPayload.decapsulate(resent, originalSSRC: videoSSRC, originalPayloadType: 96))
        #expect(restored == wanted)

        // The same NACK again within the round trip is not answered twice; later it is, with the next RTX number.
        try sendNACK(net, from: player, mediaSSRC: videoSSRC, lost: [wanted.sequenceNumber])
        #expect(player.receivedRTP.count == 1)
        net.advance(by: .milliseconds(150))
        try sendNACK(net, from: player, mediaSSRC: videoSSRC, lost: [wanted.sequenceNumber])
        let again = player.receivedRTP.filter { $0.ssrc == rtxSSRC }
        #expect(again.count == 2)
        #expect(again.last?.sequenceNumber == resent.sequenceNumber &+ 1)
        // Nothing went to the publisher: the history held the packet.
        #expect(nacks(publisher).isEmpty)
    }

    @Test("a player without RTX gets the same packet again: same SSRC, sequence number and payload")
    func answeredPlain() throws {
        let (net, publisher, player) = try session(ports: 43_010, player: Self.vp8WithoutRTX)
        try sendVideo(net, publisher, count: 2)
        // The third packet is lost on the way to the player (a receiver's SRTP refuses a packet it already has).
        var dropping = true
        net.filter = { _, bytes, toServer in
            guard !toServer, dropping, RTPOrRTCP.classify(bytes) == .rtp else { return .deliver }
            dropping = false
            return .drop
        }
        try sendVideo(net, publisher, count: 3)
        let videoSSRC = try #require(player.declaredSSRC("video"))
        let video = player.receivedRTP.filter { $0.ssrc == videoSSRC }
        #expect(video.count == 4)
        let lost = video[1].sequenceNumber &+ 1
        #expect(video[2].sequenceNumber == lost &+ 1)
        player.receivedRTP.removeAll()
        try sendNACK(net, from: player, mediaSSRC: videoSSRC, lost: [lost])
        let resent = try #require(player.receivedRTP.first)
        #expect(player.receivedRTP.count == 1)
        #expect(resent.ssrc == videoSSRC && resent.payloadType == 96 && resent.sequenceNumber == lost)
        #expect(resent.timestamp == video[1].timestamp &+ 3000)
        #expect(resent.payload == TestClient.videoPayload(publisher.videoSequence - 2))
    }

    @Test(
        "uplink loss: the server asks the publisher at once, in its sequence space; the RTX repair reaches the player")
    func upstream() throws {
        let (net, publisher, player) = try session(ports: 43_020, player: .vp8(96))
        let built = try sendVideo(net, publisher, count: 8, lost: [4])
        let lost = built[4]
        // The gap was noticed when packet 5 arrived: one NACK for the publisher's own sequence number and SSRC.
        let upstream = nacks(publisher)
        #expect(upstream.count == 1)
        #expect(upstream.first?.mediaSSRC == Self.videoSSRC)
        #expect(upstream.first?.lostSequenceNumbers == [lost.sequenceNumber])

        // The player's NACK for it (its own numbering: one after packet 3's) finds no packet and asks nothing again.
        let videoSSRC = try #require(player.declaredSSRC("video"))
        let received = player.receivedRTP.filter { $0.ssrc == videoSSRC }
        #expect(received.count == 7)
        let playerSequence = received[3].sequenceNumber &+ 1
        try sendNACK(net, from: player, mediaSSRC: videoSSRC, lost: [playerSequence])
        #expect(nacks(publisher).count == 1)

        // The publisher repairs it over RTX; every player gets the original packet in its own numbering.
        player.receivedRTP.removeAll()
        let repair = RTXPayload.encapsulate(
            lost, ssrc: Self.publisherRTXSSRC, payloadType: 98, sequenceNumber: 500)
        net.toServer(try #require(publisher.outbound).protectRTP(repair.encode()), from: publisher)
        net.pump()
        let delivered = try #require(player.receivedRTP.first)
        #expect(delivered.ssrc == videoSSRC && delivered.payloadType == 96)
        #expect(delivered.sequenceNumber == playerSequence)
        #expect(delivered.payload == lost.payload)
        // Now the history holds it: a late NACK is answered from there.
        player.receivedRTP.removeAll()
        net.advance(by: .milliseconds(150))
        try sendNACK(net, from: player, mediaSSRC: videoSSRC, lost: [playerSequence])
        #expect(player.receivedRTP.count == 1)
        #expect(nacks(publisher).count == 1)
    }

    @Test("RFC 3550 §6.4.1: after the publisher's SR, the player's SR states the publisher's clock in its timestamps")
    func translatedSenderReport() throws {
        let (net, publisher, player) = try session(ports: 43_030, player: .vp8(96))
        let built = try sendVideo(net, publisher, count: 3)
        // The publisher's clock, far from the server's: NTP second 0x12345678 at its RTP timestamp 1,000,000.
        let publisherNTP: UInt64 = 0x1234_5678_0000_0000
        let report = RTCPSenderReport(
            ssrc: Self.videoSSRC, ntpTimestamp: publisherNTP, rtpTimestamp: 1_000_000, packetCount: 3, octetCount: 60)
        net.toServer(try publisher.protectedRTCP([.senderReport(report)]), from: publisher)
        net.pump()
        for _ in 0..<3 { net.advance(by: .milliseconds(1100)) }

        let videoSSRC = try #require(player.declaredSSRC("video"))
        let forwarded = try #require(player.receivedRTP.first { $0.ssrc == videoSSRC })
        let offset = forwarded.timestamp &- built[0].timestamp
        let translated = try #require(
            player.receivedRTCP.compactMap { if case .senderReport(let r) = $0, r.ssrc == videoSSRC { r } else { nil } }
                .last)
        #expect(translated.ntpTimestamp >> 32 >= 0x1234_5678 && translated.ntpTimestamp >> 32 < 0x1234_5680)
        // The same instant in the player's timestamps: the publisher's RTP time then, moved by the offset.
        let elapsed = Double(translated.ntpTimestamp &- publisherNTP) / 4_294_967_296
        let expected = UInt32(truncatingIfNeeded: 1_000_000 + Int64((elapsed * 90_000).rounded())) &+ offset
        let difference = Int32(bitPattern: translated.rtpTimestamp &- expected)
        #expect(abs(difference) <= 1)
        #expect(translated.packetCount == 3)
    }

    @Test("REMB to a publisher that negotiated goog-remb, once a second, naming its SSRCs, within bounds")
    func remb() throws {
        let (net, publisher, _) = try session(ports: 43_040, player: .vp8(96))
        for _ in 0..<5 {
            try sendVideo(net, publisher, count: 5)
            net.advance(by: .milliseconds(700))
        }
        let rembs = publisher.receivedRTCP.compactMap {
            if case .receiverEstimatedMaximumBitrate(let r) = $0 { r } else { nil }
        }
        let last = try #require(rembs.last)
        #expect(last.ssrcs.contains(Self.videoSSRC))
        let estimator = PublisherBitrateEstimator()
        #expect(last.bitrate >= estimator.minimum && last.bitrate <= estimator.maximum)
    }
}
