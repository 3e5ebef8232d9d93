import Fixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import ParleyHTTP
import ParleyRooms
import ParleyTime
import Testing
@testable import ParleySFU

/// Room session tokens on WHIP/WHEP (docs/contracts.md §Who may do what) and room media teardown
/// (§Media and rooms): a participant publishes its own `room/{room}/{user}` and plays its room; a leave, kick or
/// meeting end closes its sessions at once; a room publication's end closes its players.
@Suite("WHIP/WHEP with room session tokens", .serialized)
struct WebRTCRoomAccessTests {
    static let room = RoomID("r1")!

    /// Joins `user` to room r1 (created ad hoc) and returns its session token, signed as the room socket signs it.
    static func join(
        _ rooms: InMemoryRoomDirectory, _ user: String, clock: any ServerClock = ManualClock(now: MonibucaFixture.now),
        lifetime: TimeInterval = 3600
    ) async throws -> String {
        let participant = try await rooms.join(room, JoinRequest(userID: UserID(user)!), createIfMissing: true)
        return RoomSessionTokens(secret: MonibucaFixture.authSecret, lifetime: lifetime, clock: clock)
            .issue(for: participant, in: room)
    }

    static func headers(_ token: String) -> HTTPFields {
        var headers = WebRTCFixture.sdpHeaders
        headers[.authorization] = "Bearer \(token)"
        return headers
    }

    static let playOffer = WebRTCFixture.offer(direction: "recvonly", ufrag: "play")

    static func sessionID(_ response: TestResponse) throws -> String {
        try #require(response.headers[.location]?.split(separator: "/").last.map(String.init))
    }

    /// Waits (bounded) until the plane no longer has `id`.
    static func waitClosed(_ plane: MediaPlane, _ id: String, _ what: String) async throws {
        try await waitUntil(what, timeout: .seconds(10), poll: .milliseconds(10)) {
            await plane.session(id) == nil
        }
    }

    @Test("a participant publishes its own path and plays another's; the registry and its flags follow")
    func publishAndPlay() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let alice = try await Self.join(rooms, "alice")
            let bob = try await Self.join(rooms, "bob")
            let published = try await WebRTCFixture.post(
                client, "/webrtc/whip/room/r1/alice", headers: Self.headers(alice))
            expectStatus(published, .created)
            let stream = try #require(await rooms.stream(StreamPath("room/r1/alice")!))
            #expect(stream.publisher == UserID("alice"))
            #expect(stream.kinds == .audio)
            #expect(stream.codecs == ["opus"])
            #expect(await rooms.room(Self.room)?.participant(UserID("alice")!)?.media.audio == true)
            let played = try await WebRTCFixture.post(
                client, "/webrtc/whep/room/r1/alice", offer: Self.playOffer, headers: Self.headers(bob))
            expectStatus(played, .created)
            #expect(await rooms.stream(StreamPath("room/r1/alice")!)?.subscribers == 1)
            // The publisher's DELETE lowers its flags again.
            let deleted = try await client.execute(
                uri: try "/webrtc/session/" + Self.sessionID(published), method: .delete)
            expectStatus(deleted, .ok)
            #expect(await rooms.room(Self.room)?.participant(UserID("alice")!)?.media.audio == false)
        }
    }

    @Test("a session token publishing another's path, a path outside rooms or another room's is 403 with why")
    func wrongPaths() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let alice = try await Self.join(rooms, "alice")
            _ = try await Self.join(rooms, "bob")
            _ = try await rooms.join(RoomID("r2")!, JoinRequest(userID: UserID("carol")!), createIfMissing: true)
            for path in ["room/r1/bob", "live/cam", "room/r2/carol", "room/r1/alice/cam"] {
                let refused = try await WebRTCFixture.post(
                    client, "/webrtc/whip/\(path)", headers: Self.headers(alice))
                expectStatus(refused, .forbidden)
                #expect(String(buffer: refused.body).contains("publishes only room/r1/alice"), "\(path)")
            }
            // Its screen share is its own too.
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whip/room/r1/alice/screen", headers: Self.headers(alice)), .created)
            let token = try await MonibucaFixture.token()
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whip/room/r2/carol", headers: Self.headers(token)), .created)
            let otherRoom = try await WebRTCFixture.post(
                client, "/webrtc/whep/room/r2/carol", offer: Self.playOffer, headers: Self.headers(alice))
            expectStatus(otherRoom, .forbidden)
            #expect(String(buffer: otherRoom.body).contains("plays only room/r1/"))
            #expect(await rooms.streams().map(\.path.rawValue) == ["room/r1/alice/screen", "room/r2/carol"])
        }
    }

    @Test("forged, expired and revoked session tokens are 401 with WWW-Authenticate")
    func invalidTokens() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let alice = try await Self.join(rooms, "alice")
            let forged = String(alice.dropLast(3)) + (alice.hasSuffix("AAA") ? "BBB" : "AAA")
            let expired = try await Self.join(
                rooms, "bob", clock: ManualClock(now: MonibucaFixture.now.addingTimeInterval(-100)), lifetime: 10)
            let carol = try await Self.join(rooms, "carol")
            _ = try await rooms.leave(Self.room, UserID("carol")!, reason: .left)
            let cases = [
                (forged, "room/r1/alice", "not signed by this server"), (expired, "room/r1/bob", "expired"),
                (carol, "room/r1/carol", "no longer in room r1"),
            ]
            for (token, path, reason) in cases {
                let refused = try await WebRTCFixture.post(client, "/webrtc/whip/\(path)", headers: Self.headers(token))
                expectStatus(refused, .unauthorized)
                #expect(String(buffer: refused.body).contains(reason), "\(path)")
                #expect(refused.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            }
            #expect(await rooms.streams().isEmpty)
        }
    }

    @Test("a kick ends the participant's publication and its players, and its own players, at once")
    func kickTearsDown() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, plane in
            let alice = try await Self.join(rooms, "alice")
            let bob = try await Self.join(rooms, "bob")
            let carol = try await Self.join(rooms, "carol")
            let alicePublishes = try Self.sessionID(
                try await WebRTCFixture.post(client, "/webrtc/whip/room/r1/alice", headers: Self.headers(alice)))
            let bobPublishes = try Self.sessionID(
                try await WebRTCFixture.post(client, "/webrtc/whip/room/r1/bob", headers: Self.headers(bob)))
            let bobPlaysAlice = try Self.sessionID(
                try await WebRTCFixture.post(
                    client, "/webrtc/whep/room/r1/alice", offer: Self.playOffer, headers: Self.headers(bob)))
            let alicePlaysBob = try Self.sessionID(
                try await WebRTCFixture.post(
                    client, "/webrtc/whep/room/r1/bob", offer: Self.playOffer, headers: Self.headers(alice)))
            let carolPlaysBob = try Self.sessionID(
                try await WebRTCFixture.post(
                    client, "/webrtc/whep/room/r1/bob", offer: Self.playOffer, headers: Self.headers(carol)))
            _ = try await rooms.kick(Self.room, UserID("alice")!, by: .rest)
            try await Self.waitClosed(plane, alicePublishes, "alice's publication ends")
            try await Self.waitClosed(plane, bobPlaysAlice, "bob's player of alice ends with it")
            try await Self.waitClosed(plane, alicePlaysBob, "alice's own player ends")
            #expect(await plane.session(bobPublishes) != nil)
            #expect(await plane.session(carolPlaysBob) != nil)
            let gone = try await client.execute(uri: "/webrtc/session/\(alicePublishes)", method: .get)
            expectStatus(gone, .notFound)
            try await waitUntil("bob's stream counts one player", timeout: .seconds(10)) {
                await rooms.stream(StreamPath("room/r1/bob")!)?.subscribers == 1
            }
            #expect(await rooms.stream(StreamPath("room/r1/alice")!) == nil)
        }
    }

    @Test("ending the meeting ends every session on the room's paths, an admin's publication too")
    func endTearsDown() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, plane in
            let alice = try await Self.join(rooms, "alice")
            let published = try Self.sessionID(
                try await WebRTCFixture.post(client, "/webrtc/whip/room/r1/alice", headers: Self.headers(alice)))
            let jwt = try await MonibucaFixture.token()
            let feed = try Self.sessionID(
                try await WebRTCFixture.post(
                    client, "/webrtc/whip/room/r1/guest", headers: Self.headers(jwt)))
            let outside = try Self.sessionID(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"))
            _ = try await rooms.end(Self.room, by: .rest)
            try await Self.waitClosed(plane, published, "alice's publication ends with the meeting")
            try await Self.waitClosed(plane, feed, "the admin's publication in the room ends with the meeting")
            #expect(await plane.session(outside) != nil)
        }
    }

    @Test("a publisher's DELETE ends the players of a room path; players of other paths stay for a reconnect")
    func publicationEndEndsPlayers() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, plane in
            let alice = try await Self.join(rooms, "alice")
            let bob = try await Self.join(rooms, "bob")
            let published = try Self.sessionID(
                try await WebRTCFixture.post(client, "/webrtc/whip/room/r1/alice", headers: Self.headers(alice)))
            let player = try Self.sessionID(
                try await WebRTCFixture.post(
                    client, "/webrtc/whep/room/r1/alice", offer: Self.playOffer, headers: Self.headers(bob)))
            let live = try Self.sessionID(try await WebRTCFixture.post(client, "/webrtc/whip/live/cam"))
            let livePlayer = try Self.sessionID(
                try await WebRTCFixture.post(client, "/webrtc/whep/live/cam", offer: Self.playOffer))
            for id in [published, live] {
                expectStatus(try await client.execute(uri: "/webrtc/session/\(id)", method: .delete), .ok)
            }
            #expect(await plane.session(player) == nil)
            #expect(await plane.session(livePlayer) != nil)
        }
    }

    /// An aiortc-shaped offer sending Opus and VP8 in one BUNDLE.
    static let audioVideoOffer: String = {
        let transport = [
            "c=IN IP4 127.0.0.1", "a=sendonly", "a=rtcp-mux", "a=ice-ufrag:cli1",
            "a=ice-pwd:clientpasswordclientpassword", "a=fingerprint:sha-256 \(WebRTCFixture.fingerprint)",
            "a=setup:actpass",
        ]
        return
            ([
                "v=0", "o=- 3900000000 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=msid-semantic:WMS *",
                "m=audio 50000 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=rtpmap:111 opus/48000/2",
            ] + transport + ["m=video 50000 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=rtpmap:96 VP8/90000"] + transport)
            .joined(separator: "\r\n") + "\r\n"
    }()

    @Test("an Opus+VP8 publication is announced with audio and video, on the screen path with screen")
    func kindsFromTheAcceptedOffer() async throws {
        let rooms = InMemoryRoomDirectory()
        try await WebRTCFixture.withFace(rooms: rooms) { client, _ in
            let alice = try await Self.join(rooms, "alice")
            let events = await rooms.events()
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whip/room/r1/alice", offer: Self.audioVideoOffer, headers: Self.headers(alice)),
                .created)
            let camera = try #require(await rooms.stream(StreamPath("room/r1/alice")!))
            #expect(camera.kinds == [.audio, .video])
            #expect(Set(camera.codecs.map { $0.lowercased() }) == ["opus", "vp8"])
            expectStatus(
                try await WebRTCFixture.post(
                    client, "/webrtc/whip/room/r1/alice/screen", offer: Self.audioVideoOffer,
                    headers: Self.headers(alice)), .created)
            #expect(await rooms.stream(StreamPath("room/r1/alice/screen")!)?.kinds == [.audio, .screen])
            let flags = await rooms.room(Self.room)?.participant(UserID("alice")!)?.media
            #expect(flags == MediaFlags(audio: true, video: true, screen: true))
            var started: [StreamInfo] = []
            for await event in events {
                if case .streamStarted(let info) = event { started.append(info) }
                if started.count == 2 { break }
            }
            #expect(started.map(\.kinds) == [[.audio, .video], [.audio, .screen]])
        }
    }
}
