import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyRooms
import ParleyWire
import Testing

@Suite("WHIP/WHEP with video: codecs in the registry, WHEP refusals with the reason", .serialized)
struct WebRTCVideoTests {
    /// An aiortc-shaped offer with one video section of `codec` (VP8 on 97, or H264 42e01f on 102).
    static func videoOffer(direction: String, h264: Bool = false, ufrag: String) -> String {
        let codec =
            h264
            ? [
                "a=rtpmap:102 H264/90000",
                "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            ] : ["a=rtpmap:97 VP8/90000", "a=rtcp-fb:97 nack pli"]
        return
            ([
                "v=0", "o=- 3900000000 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=group:BUNDLE 0", "a=msid-semantic:WMS *",
                "m=video 50000 UDP/TLS/RTP/SAVPF \(h264 ? 102 : 97)", "c=IN IP4 127.0.0.1", "a=\(direction)", "a=mid:0",
                "a=rtcp-mux", "a=ice-ufrag:\(ufrag)", "a=ice-pwd:clientpasswordclientpassword",
                "a=fingerprint:sha-256 \(WebRTCFixture.fingerprint)", "a=setup:actpass",
            ] + codec).joined(separator: "\r\n") + "\r\n"
    }

    @Test("a VP8 publisher is registered with its codec; an H264 player is 422 naming both sides; a VP8 one plays")
    func whepCodecMismatch() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let publish = try await WebRTCFixture.post(
                client, "/webrtc/whip/live/v", offer: Self.videoOffer(direction: "sendonly", ufrag: "pub1"))
            #expect(publish.status == .created)
            #expect(await rooms.stream(StreamPath("live/v")!)?.codecs == ["VP8"])

            let refused = try await WebRTCFixture.post(
                client, "/webrtc/whep/live/v", offer: Self.videoOffer(direction: "recvonly", h264: true, ufrag: "ply1"))
            #expect(refused.status == .unprocessableContent)
            #expect(
                String(buffer: refused.body)
                    == "unsupported offer: the publisher sends VP8; the offer has only H264 profile 42e01f\n")
            #expect(await rooms.stream(StreamPath("live/v")!)?.subscribers == 0)

            let played = try await WebRTCFixture.post(
                client, "/webrtc/whep/live/v", offer: Self.videoOffer(direction: "recvonly", ufrag: "ply2"))
            #expect(played.status == .created)
            let video = try #require(try SessionDescription.parse(String(buffer: played.body)).media.first)
            #expect(video.direction == .sendonly)
            #expect(video.payloadTypes == [97])
            #expect(video.ssrcs.count == 1)
        }
    }
}
