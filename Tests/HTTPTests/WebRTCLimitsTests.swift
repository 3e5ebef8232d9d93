import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Issue 13 on the WHIP/WHEP face: oversized offers and too many unconnected sessions are refused cheaply, in
/// the face's own format (a status and a text/plain reason).
@Suite("WHIP/WHEP limits and caps", .serialized)
struct WebRTCLimitsTests {
    @Test("the SDP bomb (2,000 payload types, 500 a=rtcp-fb:*) is refused with 413 quickly")
    func bomb() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let formats = (0..<2_000).map { String(96 + $0 % 32) }
            let offer =
                WebRTCFixture.offer()
                .replacingOccurrences(of: "SAVPF 96", with: "SAVPF " + formats.joined(separator: " "))
                + formats.map { "a=rtpmap:\($0) L16/8000\r\n" }.joined()
                + String(repeating: "a=rtcp-fb:* nack\r\n", count: 500)
            let start = ContinuousClock.now
            let response = try await WebRTCFixture.post(client, "/webrtc/whip/live/bomb", offer: offer)
            let elapsed = ContinuousClock.now - start
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(String(buffer: response.body).contains("at most"))
            // Generous for a debug build on a loaded machine (it was 0.55 s before, growing quadratically).
            #expect(elapsed < .seconds(1), "took \(elapsed)")
        }
    }

    @Test("a body over the SDP size limit is 413 before it is parsed")
    func oversizedBody() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let padding = String(repeating: "a=x-pad:0123456789abcdef0123456789abcdef\r\n", count: 2_000)
            let response = try await WebRTCFixture.post(
                client, "/webrtc/whip/live/big",
                offer: WebRTCFixture.offer() + padding)
            #expect(response.status == .contentTooLarge)
            #expect(String(buffer: response.body).contains("65536"))
        }
    }

    @Test("the 21st unconnected offer from one address gets 503 with Retry-After, before its body is parsed")
    func unconnectedCap() async throws {
        try await WebRTCFixture.withFace { client, _ in
            for index in 0..<20 {
                expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/live/cap\(index)"), .created)
            }
            let refused = try await WebRTCFixture.post(client, "/webrtc/whip/live/cap20")
            #expect(refused.status == .serviceUnavailable)
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...20).contains(retryAfter))
            #expect(String(buffer: refused.body).contains("have not connected yet"))
            // The caps are checked first: an unparsable offer gets the same answer, not a 400.
            let garbage = try await WebRTCFixture.post(client, "/webrtc/whep/live/cap0", offer: "not sdp")
            #expect(garbage.status == .serviceUnavailable)
        }
    }

    @Test("a trickle PATCH over the SDP limits is 413")
    func oversizedPatch() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let created = try await WebRTCFixture.post(client, "/webrtc/whip/live/patch")
            let location = try #require(created.headers[.location])
            let etag = try #require(created.headers[.eTag])
            let candidates = (0..<101).map { "a=candidate:\($0) 1 udp 1 127.0.0.1 \(5_000 + $0) typ host" }
            let fragment =
                (["a=ice-ufrag:cli1", "m=audio 9 UDP/TLS/RTP/SAVPF 0", "a=mid:0"] + candidates)
                .joined(separator: "\r\n") + "\r\n"
            let response = try await client.execute(
                uri: location, method: .patch,
                headers: [.contentType: "application/trickle-ice-sdpfrag", .ifMatch: etag],
                body: ByteBuffer(string: fragment))
            #expect(response.status == .contentTooLarge)
            #expect(String(buffer: response.body).contains("a=candidate"))
        }
    }
}
