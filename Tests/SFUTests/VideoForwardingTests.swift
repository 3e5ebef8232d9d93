import Foundation
import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite("Media plane in virtual time: audio + video, per-track rewriting, keyframe requests", .serialized)
struct VideoForwardingTests {
    static let audioSSRC: UInt32 = 0x1234_5678
    static let videoSSRC: UInt32 = 0x0BAD_CAFE

    /// A connected audio+VP8 publisher (VP8 on 97) on `path`.
    func publish(_ net: VirtualNetwork, path: String, port: UInt16) throws -> (TestClient, SessionDescriptor) {
        let publisher = try TestClient(port: port, payloadType: 96)
        let session = try net.open(.publisher, path: path, client: publisher, video: .vp8(97))
        try net.connect(publisher)
        return (publisher, session)
    }

    func sendAudioAndVideo(_ net: VirtualNetwork, _ publisher: TestClient, count: Int, videoSSRC: UInt32 = videoSSRC)
        throws
    {
        for _ in 0..<count {
            net.toServer(try publisher.nextProtectedRTP(ssrc: Self.audioSSRC), from: publisher)
            net.toServer(try publisher.nextProtectedVideo(ssrc: videoSSRC, payloadType: 97), from: publisher)
            net.advance(by: .milliseconds(20))
        }
    }

    func received(_ client: TestClient, ssrc: UInt32?) -> [RTPPacket] {
        client.receivedRTP.filter { $0.ssrc == ssrc }
    }

    func pictureLossIndications(_ client: TestClient) -> [RTCPPictureLossIndication] {
        client.receivedRTCP.compactMap { if case .pictureLossIndication(let p) = $0 { p } else { nil } }
    }

    @Test("audio and VP8 reach the player on their declared SSRCs with the player's own payload types")
    func audioAndVideo() throws {
        let net = try VirtualNetwork()
        let (publisher, _) = try publish(net, path: "live/av", port: 42_000)
        // Chrome-like player: Opus 111, VP8 96 (its own numbers).
        let player = try TestClient(port: 42_001, payloadType: 111)
        try net.open(.subscriber, path: "live/av", client: player, video: .vp8(96))
        try net.connect(player)
        try sendAudioAndVideo(net, publisher, count: 10)

        let audio = received(player, ssrc: player.declaredSSRC("audio"))
        let video = received(player, ssrc: player.declaredSSRC("video"))
        #expect(audio.count == 10)
        #expect(video.count == 10)
        #expect(audio.allSatisfy { $0.payloadType == 111 })
        #expect(video.allSatisfy { $0.payloadType == 96 })
        #expect(player.declaredSSRC("audio") != player.declaredSSRC("video"))
        for (previous, next) in zip(video, video.dropFirst()) {
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
            #expect(next.timestamp == previous.timestamp &+ 3000)
        }
        // The answer declared one lip-sync stream and RTX for video (the player offered it).
        let sections = try #require(player.answer?.media)
        #expect(Set(sections.compactMap { $0.msid?.stream }).count == 1)
        #expect(sections[1].ssrcGroups.first?.semantics == "FID")
        #expect(net.core.publications().first?.tracks.map(\.codec) == ["opus", "VP8"])

        // The publisher's RFC 4588 retransmissions (PT 98, its own SSRC) are recognised: never passed on as they
        // came (RTX PT or the publisher's RTX SSRC), only as the media they carry.
        net.toServer(try publisher.nextProtectedVideo(ssrc: 0x0000_7E7E, payloadType: 98), from: publisher)
        net.pump()
        let declared = Set([player.declaredSSRC("audio"), player.declaredSSRC("video")].compactMap { $0 })
        #expect(player.receivedRTP.allSatisfy { declared.contains($0.ssrc) && $0.payloadType != 98 })
        let published = try #require(net.core.sessions.values.first { $0.kind == .publisher })
        #expect(published.publishedTracks.last?.rtxSSRC == 0x0000_7E7E)
        #expect(published.publishedTracks.last?.ssrc == Self.videoSSRC)
    }

    @Test("an audio-only player of an audio+video publisher gets audio only; an H264-only player is refused")
    func partialAndRefused() throws {
        let net = try VirtualNetwork()
        let (publisher, _) = try publish(net, path: "live/p", port: 42_010)
        let audioOnly = try TestClient(port: 42_011, payloadType: 111)
        try net.open(.subscriber, path: "live/p", client: audioOnly)
        try net.connect(audioOnly)
        try sendAudioAndVideo(net, publisher, count: 5)
        #expect(audioOnly.receivedRTP.count == 5)
        #expect(audioOnly.receivedRTP.allSatisfy { $0.payloadType == 111 })

        let h264Only = try TestClient(port: 42_012)
        let offer = try h264Only.offer(direction: "recvonly", audio: false, video: .h264())
        #expect(
            throws: MediaPlaneError.unsupported(
                "the publisher sends opus and VP8; the offer has only H264 profile 42e01f")
        ) {
            try net.core.open(kind: .subscriber, path: "live/p", offer: offer, now: net.now)
        }
    }

    @Test("a late joiner starts at a random point and then runs on +1 with the publisher's gaps kept")
    func lateJoiner() throws {
        let net = try VirtualNetwork()
        let (publisher, _) = try publish(net, path: "live/late", port: 42_020)
        try sendAudioAndVideo(net, publisher, count: 30)
        let player = try TestClient(port: 42_021)
        try net.open(.subscriber, path: "live/late", client: player, video: .vp8(100))
        try net.connect(player)
        try sendAudioAndVideo(net, publisher, count: 5)
        _ = try publisher.nextProtectedVideo(ssrc: Self.videoSSRC) // lost on the uplink
        try sendAudioAndVideo(net, publisher, count: 5)
        let video = received(player, ssrc: player.declaredSSRC("video"))
        #expect(video.count == 10)
        let first = try #require(video.first)
        #expect(video.map { Int($0.sequenceNumber &- first.sequenceNumber) } == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10])
    }

    @Test("a new publisher on the path: the player's sequence continues +1 and its timestamps move forward")
    func publisherReplaced() throws {
        let net = try VirtualNetwork()
        let (first, firstSession) = try publish(net, path: "live/swap", port: 42_030)
        let player = try TestClient(port: 42_031)
        try net.open(.subscriber, path: "live/swap", client: player, video: .vp8(97))
        try net.connect(player)
        try sendAudioAndVideo(net, first, count: 10)
        net.core.close(firstSession.id, now: net.now, reason: "test", notify: false)
        net.advance(by: .milliseconds(500))

        // The reconnecting publisher: new SSRCs, sequence numbers and timestamps far from the old ones.
        let (second, _) = try publish(net, path: "live/swap", port: 42_032)
        second.sentSequence = 60_000
        second.sentTimestamp = 4_000_000_000
        second.videoSequence = 100
        second.videoTimestamp = 5
        try sendAudioAndVideo(net, second, count: 10, videoSSRC: 0x5EC0_7D00)

        for kind in ["audio", "video"] {
            let packets = received(player, ssrc: player.declaredSSRC(kind))
            #expect(packets.count == 20, "\(kind)")
            let sequences = packets.map(\.sequenceNumber)
            for (previous, next) in zip(sequences, sequences.dropFirst()) {
                #expect(next == previous &+ 1, "\(kind): no gap and no jump back at the switch")
            }
            let step = packets[10].timestamp &- packets[9].timestamp
            // Forward, and plausible: the ~0.5 s + connection time between the two publishers, not 2^31.
            let clock: UInt32 = kind == "audio" ? 48_000 : 90_000
            #expect(step > 0 && step < clock * 30, "\(kind) step \(step)")
            #expect(packets[11].timestamp &- packets[10].timestamp == (kind == "audio" ? 960 : 3000))
        }
    }

    @Test("a player's PLI reaches the publisher on its video SSRC, at most one per 500 ms; none is lost")
    func pictureLossThrottled() throws {
        let net = try VirtualNetwork()
        let (publisher, _) = try publish(net, path: "live/pli", port: 42_040)
        try sendAudioAndVideo(net, publisher, count: 3)
        let player = try TestClient(port: 42_041)
        try net.open(.subscriber, path: "live/pli", client: player, video: .vp8(97))
        try net.connect(player)
        // The new video player asked for a keyframe.
        var plis = pictureLossIndications(publisher)
        #expect(plis.count == 1)
        #expect(plis.first?.mediaSSRC == Self.videoSSRC)

        net.advance(by: .milliseconds(600))
        let declared = try #require(player.declaredSSRC("video"))
        let pli = RTCPPacket.pictureLossIndication(RTCPPictureLossIndication(senderSSRC: 1, mediaSSRC: declared))
        for _ in 0..<5 {
            net.toServer(try player.protectedRTCP([pli]), from: player)
            net.pump()
        }
        plis = pictureLossIndications(publisher)
        #expect(plis.count == 2, "the first goes at once, the rest wait for the window")
        // A FIR naming the audio SSRC is not a video keyframe request; one naming the video SSRC is.
        let fir = RTCPPacket.fullIntraRequest(
            RTCPFullIntraRequest(
                senderSSRC: 1, entries: [.init(ssrc: try #require(player.declaredSSRC("audio")), sequenceNumber: 0)]))
        net.toServer(try player.protectedRTCP([fir]), from: player)
        net.advance(by: .milliseconds(600))
        plis = pictureLossIndications(publisher)
        #expect(plis.count == 3, "the held request went out after the window, once")
        #expect(plis.allSatisfy { $0.mediaSSRC == Self.videoSSRC })
        net.advance(by: .milliseconds(600))
        #expect(pictureLossIndications(publisher).count == 3)
        #expect(net.core.publications().first?.tracks.last?.keyframeRequests == 3)
    }

    @Test("a new publisher whose video codec the player did not negotiate: its audio is forwarded, its video not")
    func replacedByAnotherCodec() throws {
        let net = try VirtualNetwork()
        let (first, firstSession) = try publish(net, path: "live/codec", port: 42_050)
        let player = try TestClient(port: 42_051)
        try net.open(.subscriber, path: "live/codec", client: player, video: .vp8(97))
        try net.connect(player)
        try sendAudioAndVideo(net, first, count: 3)
        net.core.close(firstSession.id, now: net.now, reason: "test", notify: false)

        let second = try TestClient(port: 42_052, payloadType: 96)
        try net.open(.publisher, path: "live/codec", client: second, video: .h264(102))
        try net.connect(second)
        for _ in 0..<4 {
            net.toServer(try second.nextProtectedRTP(ssrc: 0x0A0A_0A0A), from: second)
            net.toServer(try second.nextProtectedVideo(ssrc: 0x0B0B_0B0B, payloadType: 102), from: second)
            net.advance(by: .milliseconds(20))
        }
        #expect(received(player, ssrc: player.declaredSSRC("audio")).count == 7)
        #expect(received(player, ssrc: player.declaredSSRC("video")).count == 3)
    }

    @Test("a new video player starts on a keyframe, or after 2 s when none is recognised; audio is never held")
    func startsOnKeyframe() throws {
        let net = try VirtualNetwork()
        let (publisher, _) = try publish(net, path: "live/key", port: 42_060)
        let player = try TestClient(port: 42_061)
        try net.open(.subscriber, path: "live/key", client: player, video: .vp8(97))
        try net.connect(player)
        for _ in 0..<5 {
            net.toServer(try publisher.nextProtectedRTP(ssrc: Self.audioSSRC), from: publisher)
            net.toServer(try publisher.nextProtectedVideo(ssrc: Self.videoSSRC, keyframe: false), from: publisher)
            net.advance(by: .milliseconds(20))
        }
        #expect(received(player, ssrc: player.declaredSSRC("video")).isEmpty)
        #expect(received(player, ssrc: player.declaredSSRC("audio")).count == 5)
        net.toServer(try publisher.nextProtectedVideo(ssrc: Self.videoSSRC, keyframe: true), from: publisher)
        net.toServer(try publisher.nextProtectedVideo(ssrc: Self.videoSSRC, keyframe: false), from: publisher)
        net.pump()
        let video = received(player, ssrc: player.declaredSSRC("video"))
        #expect(video.map { $0.payload[1] & 0x01 } == [0, 1], "the keyframe first, then what follows it")

        // No recognisable keyframe at all: video starts anyway once 2 s passed since the first held packet.
        let late = try TestClient(port: 42_062)
        try net.open(.subscriber, path: "live/key", client: late, video: .vp8(97))
        try net.connect(late)
        for _ in 0..<3 {
            net.toServer(try publisher.nextProtectedVideo(ssrc: Self.videoSSRC, keyframe: false), from: publisher)
            net.advance(by: .milliseconds(1100))
        }
        #expect(received(late, ssrc: late.declaredSSRC("video")).count == 1)
    }
}
