import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ParleyRooms
import ParleyWire
import Testing

@Suite("WHIP/WHEP endpoints (RFC 9725, draft-ietf-wish-whep-02)", .serialized)
struct WebRTCWHIPTests {
    @Test("WHIP offer → 201 with an application/sdp answer, Location of the session, ETag; stream listed")
    func whipCreated() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, plane in
            let response = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam")
            #expect(response.status == .created)
            #expect(response.headers[.contentType] == "application/sdp")
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/webrtc/session/"))
            #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
            let answer = try SessionDescription.parse(String(buffer: response.body))
            #expect(answer.isICELite)
            let audio = try #require(answer.media.first)
            #expect(audio.direction == .recvonly)
            #expect(audio.payloadTypes == [96])
            #expect(audio.candidates.first?.port == plane.localAddress.port)
            #expect(await rooms.stream(StreamPath("live/cam")!) != nil)
        }
    }

    @Test("the Monibuca v5 alias /webrtc/push/… publishes too")
    func pushAlias() async throws {
        try await WebRTCFixture.withFace { client, _ in
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/push/live/alias"), .created)
        }
    }

    @Test("a wrong content type is 415")
    func wrongContentType() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let response = try await WebRTCFixture.post(
                client, "/webrtc/whip/live/cam",
                headers: [.contentType: "text/plain"])
            #expect(response.status == .unsupportedMediaType)
        }
    }

    @Test("an unparsable SDP body is 400")
    func unparsable() async throws {
        try await WebRTCFixture.withFace { client, _ in
            let response = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam", offer: "this is not sdp")
            #expect(response.status == .badRequest)
        }
    }

    @Test("unsupported offers are 422 with the reason: no Opus, wrong direction, missing rtcp-mux")
    func unsupported() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let noOpus = try await WebRTCFixture.post(
                client, "/webrtc/whip/live/cam",
                offer: WebRTCFixture.offer(codec: "G722/8000"))
            #expect(noOpus.status == .unprocessableContent)
            #expect(String(buffer: noOpus.body).contains("opus"))
            let direction = try await WebRTCFixture.post(
                client, "/webrtc/whip/live/cam",
                offer: WebRTCFixture.offer(direction: "recvonly"))
            #expect(direction.status == .unprocessableContent)
            #expect(String(buffer: direction.body).contains("sendonly"))
            let mux = try await WebRTCFixture.post(
                client, "/webrtc/whip/live/cam",
                offer: WebRTCFixture.offer(rtcpMux: false))
            #expect(mux.status == .unprocessableContent)
            #expect(String(buffer: mux.body).contains("rtcp-mux"))
            let whepDirection = try await WebRTCFixture.post(
                client, "/webrtc/whep/live/cam",
                offer: WebRTCFixture.offer(direction: "sendonly"))
            #expect(whepDirection.status == .unprocessableContent)
            #expect(await rooms.streams().isEmpty)
        }
    }

    @Test("a second publisher on a live path is 409")
    func conflict() async throws {
        try await WebRTCFixture.withFace { client, _ in
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"), .created)
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"), .conflict)
        }
    }

    @Test("WHEP on a path nobody publishes is 404; with a publisher it is 201 with a=ssrc and a=msid")
    func whep() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let missing = try await WebRTCFixture.post(
                client, "/webrtc/whep/live/cam",
                offer: WebRTCFixture.offer(direction: "recvonly"))
            #expect(missing.status == .notFound)
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"), .created)
            let play = try await WebRTCFixture.post(
                client, "/webrtc/play/live/cam",
                offer: WebRTCFixture.offer(direction: "recvonly", ufrag: "cli2"))
            #expect(play.status == .created)
            #expect(play.headers[.location] != nil)
            let audio = try #require(try SessionDescription.parse(String(buffer: play.body)).media.first)
            #expect(audio.direction == .sendonly)
            #expect(audio.ssrcs.count == 1)
            #expect(audio.msid != nil)
            #expect(await rooms.stream(StreamPath("live/cam")!)?.subscribers == 1)
            // The Monibuca face lists it.
            let token = try await MonibucaFixture.token()
            let streams = try await client.execute(
                uri: "/api/streams", method: .get,
                headers: MonibucaFixture.bearer(token))
            #expect(streams.status == .ok)
            let listing = String(buffer: streams.body)
            #expect(listing.contains("live/cam"))
        }
    }

    @Test("DELETE ends the session (200) and unlists the stream; the session is then 404")
    func delete() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, plane in
            let created = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam")
            let location = try #require(created.headers[.location])
            expectStatus(try await client.execute(uri: location, method: .get), .noContent)
            expectStatus(try await client.execute(uri: location, method: .delete), .ok)
            #expect(await rooms.streams().isEmpty)
            #expect(await !plane.hasPublisher(path: "live/cam"))
            expectStatus(try await client.execute(uri: location, method: .delete), .notFound)
            expectStatus(try await client.execute(uri: location, method: .get), .notFound)
            // The path is free again.
            expectStatus(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"), .created)
        }
    }

    @Test("OPTIONS advertises Accept-Post: application/sdp; GET on the endpoint is 2xx without a body")
    func optionsAndGet() async throws {
        try await WebRTCFixture.withFace { client, _ in
            for path in ["/webrtc/whip/live/cam", "/webrtc/whep/live/cam"] {
                let options = try await client.execute(uri: path, method: .options)
                #expect(options.status == .noContent)
                #expect(options.headers[HTTPField.Name("Accept-Post")!] == "application/sdp")
                let get = try await client.execute(uri: path, method: .get)
                #expect(get.status == .noContent)
                #expect(get.body.readableBytes == 0)
            }
        }
    }

    @Test("ICE servers are sent as Link rel=ice-server headers on the 201")
    func iceServerLinks() async throws {
        try await WebRTCFixture.withFace({ config in
            config.webrtc.iceServers = [
                .init(urls: ["stun:127.0.0.1:3478"]),
                .init(urls: ["turn:127.0.0.1:3478"], username: "u", credential: "p"),
            ]
        }) { client, _ in
            let response = try await WebRTCFixture.post(client, "/webrtc/whip/live/cam")
            let links = response.headers[values: HTTPField.Name("Link")!]
            #expect(links.count == 2)
            #expect(links.contains("<stun:127.0.0.1:3478>; rel=\"ice-server\""))
            #expect(links.contains { $0.hasPrefix("<turn:127.0.0.1:3478>") && $0.contains("username=\"u\"") })
        }
    }
}
