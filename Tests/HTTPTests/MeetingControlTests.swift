import Foundation
import HTTPTypes
import ParleyHTTP
import ParleyRooms
import Testing

@Suite("Meeting REST: control, stats, features")
struct MeetingControlTests {
    @Test("mute sets the participant's chat mute, unmute clears it, kick removes it and ends its session")
    func muteUnmuteKick() async throws {
        let fixture = try MeetingFixture.make()
        try await fixture.run { api in
            try await api.post("/meeting/api/rooms", #"{"room_id":"r1"}"#)
            try await fixture.rooms.join(meetingRoom("r1"), JoinRequest(userID: meetingUser("ann")))
            try await fixture.rooms.join(meetingRoom("r1"), JoinRequest(userID: meetingUser("bob")))
            var events = fixture.rooms.events().makeAsyncIterator()

            let muted = try await api.post("/meeting/api/control/mute", #"{"room_id":"r1","user_id":"bob"}"#)
            #expect(muted.status == .ok && muted.data["action"] as? String == "mute")
            #expect((muted.data["user"] as? [String: Any])?["chat_muted"] as? Bool == true)
            #expect(await fixture.rooms.room(meetingRoom("r1"))?.participant(meetingUser("bob"))?.chatMuted == true)
            #expect(
                await events.next()
                    == .chatMuteChanged(
                        meetingRoom("r1"), meetingUser("bob"), muted: true,
                        by: .api("meeting-api")))

            let unmuted = try await api.post("/meeting/api/control/unmute", #"{"room_id":"r1","user_id":"bob"}"#)
            #expect((unmuted.data["user"] as? [String: Any])?["chat_muted"] as? Bool == false)
            #expect(await fixture.rooms.room(meetingRoom("r1"))?.participant(meetingUser("bob"))?.chatMuted == false)
            _ = await events.next()

            let kicked = try await api.post("/meeting/api/control/kick", #"{"room_id":"r1","user_id":"bob"}"#)
            #expect(kicked.status == .ok && (kicked.data["user"] as? [String: Any])?["user_id"] as? String == "bob")
            #expect(
                await events.next()
                    == .participantLeft(
                        meetingRoom("r1"), meetingUser("bob"),
                        reason: .kicked(by: .api("meeting-api"))))
            #expect(await fixture.rooms.room(meetingRoom("r1"))?.participants.map(\.userID.rawValue) == ["ann"])

            for action in ["mute", "unmute", "kick"] {
                let noUser = try await api.post("/meeting/api/control/\(action)", #"{"room_id":"r1","user_id":"bob"}"#)
                #expect(noUser.status == .notFound && noUser.message.contains("user"))
                let noRoom = try await api.post("/meeting/api/control/\(action)", #"{"room_id":"zz","user_id":"ann"}"#)
                #expect(noRoom.status == .notFound && noRoom.message.contains("room"))
                let missing = try await api.post("/meeting/api/control/\(action)", #"{"room_id":"r1"}"#)
                #expect(missing.status == .badRequest && missing.message.contains("user_id"))
                let badID = try await api.post("/meeting/api/control/\(action)", #"{"room_id":"r1","user_id":"a b"}"#)
                #expect(badID.status == .badRequest && badID.message.contains("user_id"))
            }
        }
    }

    @Test("stats count rooms, participants, publishers, subscribers, locked rooms and stored data from the registry")
    func stats() async throws {
        let fixture = try MeetingFixture.make()
        try await fixture.run { api in
            let empty = try await api.get("/meeting/api/stats")
            #expect(empty.status == .ok)
            for key in [
                "rooms", "participants", "publishers", "subscribers", "locked_rooms", "templates",
                "reservations", "recordings",
            ] {
                #expect(empty.data[key] as? Int == 0, "\(key)")
            }
            #expect((empty.data["uptime_seconds"] as? Int ?? -1) >= 0)
            try await api.post("/meeting/api/rooms", #"{"room_id":"r1"}"#)
            try await fixture.rooms.join(meetingRoom("r1"), JoinRequest(userID: meetingUser("ann")))
            try await fixture.rooms.join(
                meetingRoom("r2"), JoinRequest(userID: meetingUser("bob")), createIfMissing: true)
            let path = StreamPath(room: meetingRoom("r1"), user: meetingUser("ann"))
            _ = try await fixture.rooms.startStream(path, publisher: meetingUser("ann"), room: nil, codecs: ["opus"])
            _ = try await fixture.rooms.addSubscriber(path)
            _ = try await api.send(.post, "/meeting/api/rooms/r2/lock")
            let stats = try await api.get("/meeting/api/stats")
            #expect(stats.data["rooms"] as? Int == 2)
            #expect(stats.data["participants"] as? Int == 2)
            #expect(stats.data["publishers"] as? Int == 1)
            #expect(stats.data["subscribers"] as? Int == 1)
            #expect(stats.data["locked_rooms"] as? Int == 1)
            #expect(stats.data["stored_rooms"] as? Int == 1)
        }
    }

    @Test("features list name, description and enabled for each registered feature")
    func features() async throws {
        try await MeetingFixture.make().run { api in
            let features = try await api.get("/meeting/api/features")
            let list = features.list("features")
            #expect(features.data["total"] as? Int == list.count)
            #expect(list.contains { $0["name"] as? String == "reservations" && $0["enabled"] as? Bool == true })
            #expect(list.allSatisfy { ($0["description"] as? String)?.isEmpty == false && $0["enabled"] is Bool })
        }
    }

    @Test("every route needs the Monibuca JWT: 401 envelope without it")
    func needsToken() async throws {
        try await MeetingFixture.make().run { api in
            for (method, path) in [
                (HTTPRequest.Method.get, "/meeting/api/rooms"), (.post, "/meeting/api/rooms"),
                (.get, "/meeting/api/stats"), (.post, "/meeting/api/control/kick"),
                (.get, "/meeting/api/recordings"), (.delete, "/meeting/api/templates/x"),
            ] {
                let response = try await api.send(method, path, json: "{}", authorized: false)
                #expect(response.status == .unauthorized && response.code == 401, "\(method) \(path)")
            }
        }
    }
}
