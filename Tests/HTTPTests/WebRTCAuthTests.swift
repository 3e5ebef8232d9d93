import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ParleyHTTP
import Testing
@testable import ParleySFU

@Suite("WHIP/WHEP credentials (docs/contracts.md §Who may do what)", .serialized)
struct WebRTCAuthTests {
    func headers(bearer: String?) -> HTTPFields {
        var headers = WebRTCFixture.sdpHeaders
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        return headers
    }

    @Test("an invalid Bearer token is 401; a Monibuca JWT may publish and play any path, room paths too")
    func bearer() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let bad = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam", headers: headers(bearer: "nope"))
            #expect(bad.status == .unauthorized)
            #expect(bad.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let token = try await MonibucaFixture.token()
            expectStatus(
                try await WebRTCFixture.post(client, "/webrtc/whip/live/cam", headers: headers(bearer: token)), .created
            )
            let forged = token.dropLast(2) + "xx"
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whip/live/other", headers: headers(bearer: String(forged))), .unauthorized)
        }
    }

    @Test("a room stream path without credentials is 401")
    func roomPathNeedsToken() async throws {
        try await WebRTCFixture.withFace { client, _ in
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/room/r1/u1"), .unauthorized)
        }
    }

    @Test("with stream_auth enabled: no secret 401, wrong secret 403, expired 403, a right signature publishes")
    func streamSignature() async throws {
        try await WebRTCFixture.withFace({ $0.streamAuth.enabled = true }) { client, _ in
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"), .unauthorized)
            let expire = StreamSignature.expire(at: MonibucaFixture.now.addingTimeInterval(3600))
            let wrong = String(repeating: "0", count: 32)
            expectStatus(
                try await WebRTCFixture.post(client, "/webrtc/whip/live/cam?secret=\(wrong)&expire=\(expire)"),
                .forbidden)
            let past = StreamSignature.expire(at: MonibucaFixture.now.addingTimeInterval(-10))
            let pastSecret = StreamSignature.secret(key: "pubkey", streamPath: "live/cam", expire: past)
            expectStatus(
                try await WebRTCFixture.post(client, "/webrtc/whip/live/cam?secret=\(pastSecret)&expire=\(past)"),
                .forbidden)
            let secret = StreamSignature.secret(key: "pubkey", streamPath: "live/cam", expire: expire)
            expectStatus(
                try await WebRTCFixture.post(client, "/webrtc/whip/live/cam?secret=\(secret)&expire=\(expire)"),
                .created)
            // Playing needs the subscribe key's signature, not the publish one.
            let playOffer = WebRTCFixture.offer(direction: "recvonly", ufrag: "cli2")
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whep/live/cam?secret=\(secret)&expire=\(expire)", offer: playOffer), .forbidden)
            let playSecret = StreamSignature.secret(key: "subkey", streamPath: "live/cam", expire: expire)
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whep/live/cam?secret=\(playSecret)&expire=\(expire)", offer: playOffer), .created)
        }
    }

    @Test("/metrics lists the dropped-SRTP counter, and a refused SRTP packet of a live session raises it")
    func metricsCounter() async throws {
        try await WebRTCFixture.withFace { client, plane in
            let before = try #require(Self.droppedCount(await ParleyMetricsText.render()))
            let created = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam")
            let id = try #require(created.headers[.location]?.split(separator: "/").last.map(String.init))
            // What the peer reports when libsrtp refuses a packet (proven end to end in SFUTests).
            try await plane.eventLoop.submit {
                let core = plane.core.value
                guard let session = core.sessions[id] else { return }
                core.process([.srtpRejected(.authenticationFailed)], of: session, now: plane.now())
            }.get()
            let after = try #require(Self.droppedCount(await ParleyMetricsText.render()))
            #expect(after == before + 1)
        }
    }

    static func droppedCount(_ text: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix("parley_webrtc_srtp_dropped_total ") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Int($0) }
    }
}

enum ParleyMetricsText {
    static func render() async -> String {
        var buffer: [UInt8] = []
        ParleyMetrics.registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
