import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import Testing

@Suite("MiroTalk REST: auth, switches and the registry-backed endpoints")
struct MiroTalkRESTTests {
    typealias F = MiroTalkFixture

    @Test(
        "every keyed endpoint answers 403 {\"error\":\"Unauthorized!\"} without the key, with a wrong key and with 'Bearer <key>'"
    )
    func unauthorized() async throws {
        let app = try F.app()
        let calls: [(String, HTTPRequest.Method)] = [
            ("/api/v1/stats", .get), ("/api/v1/meetings", .get), ("/api/v1/meeting", .post),
            ("/api/v1/meeting/room1", .delete), ("/api/v1/join", .post), ("/api/v1/token", .post),
        ]
        try await app.test(.router) { client in
            for (uri, method) in calls {
                for headers: HTTPFields in [
                    [:], [.authorization: "wrong"], [.authorization: "Bearer \(F.key)"],
                    [.authorization: F.key + "x"], [.authorization: String(F.key.dropLast())],
                ] {
                    try await client.execute(uri: uri, method: method, headers: headers) { response in
                        #expect(response.status == .forbidden, "\(method) \(uri)")
                        #expect(response.text == #"{"error":"Unauthorized!"}"#, "\(method) \(uri)")
                        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    }
                }
            }
        }
    }

    @Test(
        "MiroTalk's default switches: /meetings, DELETE, /token, /activeRooms answer their 'disabled' bodies, before the key is checked"
    )
    func defaultsDisabled() async throws {
        let app = try F.app(config: ParleyConfig())
        let withSuccess = #"{"success":false,"error":"\#(F.disabled)"}"#
        let plain = #"{"error":"\#(F.disabled)"}"#
        try await app.test(.router) { client in
            for headers: HTTPFields in [[:], F.auth] {
                try await client.execute(uri: "/api/v1/meetings", method: .get, headers: headers) {
                    #expect($0.status == .forbidden)
                    #expect($0.text == plain)
                }
                try await client.execute(uri: "/api/v1/meeting/r1", method: .delete, headers: headers) {
                    #expect($0.status == .forbidden)
                    #expect($0.text == withSuccess)
                }
                try await client.execute(uri: "/api/v1/token", method: .post, headers: headers) {
                    #expect($0.status == .forbidden)
                    #expect($0.text == plain)
                }
                try await client.execute(uri: "/api/v1/activeRooms", method: .get, headers: headers) {
                    #expect($0.status == .forbidden)
                    #expect($0.text == plain)
                }
            }
            // Enabled by default: /stats, POST /meeting, /join still answer with the key.
            try await client.execute(uri: "/api/v1/stats", method: .get, headers: F.auth) { #expect($0.status == .ok) }
        }
    }

    @Test("switching /stats, POST /meeting and /join off gives their 'disabled' bodies even with the right key")
    func switchedOff() async throws {
        var config = F.allOn
        config.api.allowed.stats = false
        config.api.allowed.meeting = false
        config.api.allowed.join = false
        let app = try F.app(config: config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/stats", method: .get, headers: F.auth) {
                #expect($0.status == .forbidden)
                #expect($0.text == #"{"success":false,"error":"\#(F.disabled)"}"#)
            }
            for uri in ["/api/v1/meeting", "/api/v1/join"] {
                try await client.execute(uri: uri, method: .post, headers: F.json, body: F.body("{}")) {
                    #expect($0.status == .forbidden)
                    #expect($0.text == #"{"error":"\#(F.disabled)"}"#)
                }
            }
        }
    }

    @Test("/stats counts the live registry, key order success,timestamp,totalRooms,totalUsers, changing between calls")
    func statsFollowRegistry() async throws {
        let rooms = InMemoryRoomDirectory()
        let app = try F.app(rooms: rooms)
        try await app.test(.router) { client in
            func counts() async throws -> (Int, Int) {
                let text = try await client.execute(uri: "/api/v1/stats", method: .get, headers: F.auth) { response in
                    #expect(response.status == .ok)
                    return response.text
                }
                let pattern =
                    #/^\{"success":true,"timestamp":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z","totalRooms":(\d+),"totalUsers":(\d+)\}$/#
                let match = try #require(text.wholeMatch(of: pattern), "\(text)")
                return (Int(match.1) ?? -1, Int(match.2) ?? -1)
            }
            #expect(try await counts() == (0, 0))
            _ = try await rooms.createRoom(mtRoom("empty"), settings: RoomSettings(), origin: .rest)
            #expect(try await counts() == (1, 0))
            try await rooms.join(mtRoom("talk"), mirotalkPeer("u1", name: "Ann"), createIfMissing: true)
            try await rooms.join(mtRoom("talk"), mirotalkPeer("u2", name: "Bob"))
            try await rooms.join(mtRoom("empty"), mirotalkPeer("u3", name: "Cy"))
            #expect(try await counts() == (2, 3))
            _ = try await rooms.leave(mtRoom("talk"), mtUser("u2"), reason: .left)
            #expect(try await counts() == (2, 2))
            _ = try await rooms.end(mtRoom("talk"), by: .rest)
            #expect(try await counts() == (1, 1))
        }
    }

    @Test("/meetings lists each room with its peers' MiroTalk fields, in MiroTalk's key order, following the registry")
    func meetingsFollowRegistry() async throws {
        let rooms = InMemoryRoomDirectory()
        let app = try F.app(rooms: rooms)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/meetings", method: .get, headers: F.auth) {
                #expect($0.status == .ok)
                #expect($0.text == #"{"meetings":[]}"#)
            }
            try await rooms.join(
                mtRoom("room1"),
                mirotalkPeer(
                    "john", name: "John Doe", presenter: true, audio: true, video: true, os: "Windows 10",
                    browser: "Chrome 100"), createIfMissing: true)
            _ = try await rooms.createRoom(mtRoom("room2"), settings: RoomSettings(), origin: .rest)
            try await client.execute(uri: "/api/v1/meetings", method: .get, headers: F.auth) {
                #expect(
                    $0.text
                        == #"{"meetings":[{"roomId":"room1","peers":[{"name":"John Doe","presenter":true,"video":true,"audio":true,"screen":false,"hand":false,"os":"Windows 10","browser":"Chrome 100"}]},{"roomId":"room2","peers":[]}]}"#
                )
            }
            try await rooms.join(
                mtRoom("room1"), mirotalkPeer("jane", name: "Jane \"J\" Ø/1", screen: true, hand: true))
            _ = try await rooms.updateMedia(mtRoom("room1"), mtUser("john")) { $0.video = false }
            try await client.execute(uri: "/api/v1/meetings", method: .get, headers: F.auth) {
                #expect(
                    $0.text
                        == #"{"meetings":[{"roomId":"room1","peers":[{"name":"John Doe","presenter":true,"video":false,"audio":true,"screen":false,"hand":false,"os":"Windows 10","browser":"Chrome 100"},{"name":"Jane \"J\" Ø/1","presenter":false,"video":false,"audio":false,"screen":true,"hand":true,"os":"","browser":""}]},{"roomId":"room2","peers":[]}]}"#
                )
            }
        }
    }

    @Test("POST /meeting answers https://<Host>/join/<uuid v4> and creates nothing; http.public_url replaces the Host")
    func meetingURL() async throws {
        let rooms = InMemoryRoomDirectory()
        let app = try F.app(rooms: rooms)
        try await app.test(.router) { client in
            var seen = Set<String>()
            for _ in 0..<3 {
                let text = try await client.execute(uri: "/api/v1/meeting", method: .post, headers: F.auth) {
                    #expect($0.status == .ok)
                    return $0.text
                }
                let pattern =
                    #/^\{"meeting":"https://localhost/join/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"\}$/#
                #expect(text.wholeMatch(of: pattern) != nil, "\(text)")
                seen.insert(text)
            }
            #expect(seen.count == 3)
            #expect(await rooms.rooms().isEmpty)
        }
        var config = F.allOn
        config.http.publicURL = "https://meet.example.org:8443/"
        try await F.app(config: config).test(.router) { client in
            try await client.execute(uri: "/api/v1/meeting", method: .post, headers: F.auth) {
                #expect($0.text.hasPrefix(#"{"meeting":"https://meet.example.org:8443/join/"#), "\($0.text)")
            }
        }
    }

    @Test("DELETE /meeting/{room} ends the room through the registry (events, then gone from every API); unknown → 404")
    func endMeeting() async throws {
        let rooms = InMemoryRoomDirectory()
        let app = try F.app(rooms: rooms)
        try await rooms.join(mtRoom("standup"), mirotalkPeer("u1", name: "Ann"), createIfMissing: true)
        try await rooms.join(mtRoom("standup"), mirotalkPeer("u2", name: "Bob"))
        let events = await rooms.events()
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/meeting/standup", method: .delete, headers: F.json,
                body: F.body(#"{"redirect":"https://example.org/bye"}"#)
            ) {
                #expect($0.status == .ok)
                #expect($0.text == #"{"success":true,"message":"Meeting ended","room":"standup"}"#)
            }
            #expect(await rooms.room(mtRoom("standup")) == nil)
            try await client.execute(uri: "/api/v1/stats", method: .get, headers: F.auth) {
                #expect($0.text.hasSuffix(#""totalRooms":0,"totalUsers":0}"#))
            }
            try await client.execute(uri: "/api/v1/meetings", method: .get, headers: F.auth) {
                #expect($0.text == #"{"meetings":[]}"#)
            }
            for uri in ["/api/v1/meeting/standup", "/api/v1/meeting/never-was", "/api/v1/meeting/has%20space"] {
                try await client.execute(uri: uri, method: .delete, headers: F.auth) {
                    #expect($0.status == .notFound, "\(uri)")
                    #expect($0.text == #"{"success":false,"error":"Room not found"}"#)
                }
            }
            try await client.execute(uri: "/api/v1/meeting/bad%zzescape", method: .delete, headers: F.auth) {
                #expect($0.status == .badRequest)
                #expect($0.text == #"{"status":400,"message":"Invalid URL encoding"}"#)
            }
        }
        // The sockets and media learn of it from the registry: ended, both participants left, room removed.
        var seen: [RoomEvent] = []
        for await event in events {
            seen.append(event)
            if case .roomRemoved = event { break }
        }
        #expect(seen.first == .ended(mtRoom("standup"), by: .rest))
        #expect(seen.contains(.participantLeft(mtRoom("standup"), mtUser("u1"), reason: .ended(by: .rest))))
        #expect(seen.contains(.participantLeft(mtRoom("standup"), mtUser("u2"), reason: .ended(by: .rest))))
        #expect(seen.last == .roomRemoved(mtRoom("standup"), reason: .ended(by: .rest)))
    }

    @Test("a percent-encoded room name is decoded before lookup, as Express decodes path parameters")
    func endMeetingDecodesPath() async throws {
        let rooms = InMemoryRoomDirectory()
        _ = try await rooms.createRoom(mtRoom("abc"), settings: RoomSettings(), origin: .rest)
        try await F.app(rooms: rooms).test(.router) { client in
            try await client.execute(uri: "/api/v1/meeting/%61bc", method: .delete, headers: F.auth) {
                #expect($0.status == .ok)
                #expect($0.text == #"{"success":true,"message":"Meeting ended","room":"abc"}"#)
            }
        }
    }

    @Test("/activeRooms needs no key, lists id, peer count and https://<Host>/<id>, and follows the registry")
    func activeRooms() async throws {
        let rooms = InMemoryRoomDirectory()
        let app = try F.app(rooms: rooms)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/activeRooms", method: .get) {
                #expect($0.status == .ok)
                #expect($0.text == #"{"activeRooms":[]}"#)
                #expect($0.headers[HTTPField.Name("RateLimit-Limit")!] == "60")
                #expect($0.headers[HTTPField.Name("RateLimit-Remaining")!] == "59")
            }
            try await rooms.join(mtRoom("lobby"), mirotalkPeer("u1", name: "A"), createIfMissing: true)
            try await rooms.join(mtRoom("lobby"), mirotalkPeer("u2", name: "B"))
            try await client.execute(uri: "/api/v1/activeRooms", method: .get) {
                #expect($0.text == #"{"activeRooms":[{"id":"lobby","peers":2,"join":"https://localhost/lobby"}]}"#)
            }
        }
    }

    @Test("/activeRooms allows 60 requests a minute per address, then 429 with MiroTalk's body and Retry-After")
    func activeRoomsRateLimit() async throws {
        try await F.app().test(.router) { client in
            for _ in 0..<60 {
                try await client.execute(uri: "/api/v1/activeRooms", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/v1/activeRooms", method: .get) {
                #expect($0.status == .tooManyRequests)
                #expect($0.text == #"{"error":"Too many requests. Please try again after 1 minute."}"#)
                #expect($0.headers[.retryAfter].flatMap(Int.init).map { (1...60).contains($0) } == true)
                #expect($0.headers[HTTPField.Name("RateLimit-Remaining")!] == "0")
            }
        }
    }
}
