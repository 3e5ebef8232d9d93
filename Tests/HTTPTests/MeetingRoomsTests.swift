import Fixtures
import Foundation
import HTTPTypes
import ParleyHTTP
import ParleyRooms
import ParleyStore
import Testing

@Suite("Meeting REST: rooms")
struct MeetingRoomsTests {
    @Test("create, list, summary (and the legacy alias), users, delete — with each error")
    func roomLifecycle() async throws {
        let fixture = try MeetingFixture.make()
        try await fixture.run { api in
            let created = try await api.post(
                "/meeting/api/rooms",
                #"{"room_id":"standup","name":"Daily","password":"pw","max_participants":5}"#)
            #expect(created.status == .ok && created.code == 0)
            #expect(created.data["room_id"] as? String == "standup")
            #expect(created.data["name"] as? String == "Daily")
            #expect(created.data["has_password"] as? Bool == true)
            #expect(created.data["max_participants"] as? Int == 5)
            #expect(created.data["origin"] as? String == "rest")
            #expect(created.data["template"] is NSNull)

            let duplicate = try await api.post("/meeting/api/rooms", #"{"room_id":"standup"}"#)
            #expect(duplicate.status == .conflict && duplicate.code == 409)
            #expect(duplicate.message.contains("room_id"))

            let list = try await api.get("/meeting/api/rooms")
            #expect(list.data["total"] as? Int == 1)
            #expect(list.list("rooms").first?["room_id"] as? String == "standup")

            try await fixture.rooms.join(
                meetingRoom("standup"), JoinRequest(userID: meetingUser("ann"), password: "pw"))
            _ = try await fixture.rooms.startStream(
                StreamPath(room: meetingRoom("standup"), user: meetingUser("ann")),
                publisher: meetingUser("ann"), room: nil, codecs: ["opus"])
            for path in ["/meeting/api/rooms/standup", "/meeting/api/room/standup"] {
                let detail = try await api.get(path)
                #expect(detail.status == .ok)
                #expect(detail.data["participant_count"] as? Int == 1)
                #expect(detail.list("participants").first?["user_id"] as? String == "ann")
                #expect(detail.list("streams").first?["path"] as? String == "room/standup/ann")
                #expect(detail.data["locked"] as? Bool == false)
                #expect(detail.data["created_at"] is String)
            }
            let users = try await api.get("/meeting/api/rooms/standup/users")
            #expect(users.data["total"] as? Int == 1)
            // The first anonymous joiner of a room created here holds no rights (docs/contracts.md §Who may do what).
            #expect(users.list("users").first?["role"] as? String == "participant")

            #expect(try await api.get("/meeting/api/rooms/nope").status == .notFound)
            #expect(try await api.get("/meeting/api/rooms/nope/users").code == 404)
            #expect(try await api.get("/meeting/api/rooms/bad%20id").status == .badRequest)

            var events = fixture.rooms.events().makeAsyncIterator()
            let deleted = try await api.send(.delete, "/meeting/api/rooms/standup")
            #expect(deleted.status == .ok && deleted.data["room_id"] as? String == "standup")
            #expect(deleted.data["participant_count"] as? Int == 1)
            // The live session was ended, as MiroTalk's DELETE does.
            #expect(await events.next() == .ended(meetingRoom("standup"), by: .api("meeting-api")))
            #expect(await fixture.rooms.room(meetingRoom("standup")) == nil)
            #expect(try await api.send(.delete, "/meeting/api/rooms/standup").status == .notFound)
            #expect(try await api.get("/meeting/api/rooms").data["total"] as? Int == 0)
        }
    }

    @Test("a locked room refuses new joiners, keeps present ones; unlock admits again; unknown room is 404")
    func lockAndUnlock() async throws {
        let fixture = try MeetingFixture.make()
        try await fixture.run { api in
            try await api.post("/meeting/api/rooms", #"{"room_id":"r1"}"#)
            try await fixture.rooms.join(meetingRoom("r1"), JoinRequest(userID: meetingUser("ann")))
            let locked = try await api.send(.post, "/meeting/api/rooms/r1/lock")
            #expect(locked.status == .ok && locked.data["locked"] as? Bool == true)
            await #expect(throws: RoomError.roomLocked) {
                try await fixture.rooms.join(meetingRoom("r1"), JoinRequest(userID: meetingUser("bob")))
            }
            #expect(await fixture.rooms.room(meetingRoom("r1"))?.participants.count == 1)
            #expect(try await api.get("/meeting/api/stats").data["locked_rooms"] as? Int == 1)
            let unlocked = try await api.send(.post, "/meeting/api/rooms/r1/unlock")
            #expect(unlocked.data["locked"] as? Bool == false)
            try await fixture.rooms.join(meetingRoom("r1"), JoinRequest(userID: meetingUser("bob")))
            #expect(try await api.send(.post, "/meeting/api/rooms/zz/lock").status == .notFound)
            #expect(try await api.send(.post, "/meeting/api/rooms/zz/unlock").status == .notFound)
        }
    }

    @Test("a room made here shows in MiroTalk's /api/v1/stats and /api/v1/meetings; an ad-hoc one shows here")
    func oneRegistry() async throws {
        let fixture = try MeetingFixture.make()
        try await fixture.run { api in
            try await api.post("/meeting/api/rooms", #"{"room_id":"shared"}"#)
            try await fixture.rooms.join(meetingRoom("shared"), JoinRequest(userID: meetingUser("ann")))
            let auth: HTTPFields = [.authorization: MeetingFixture.apiKey]
            let stats = try await api.send(.get, "/api/v1/stats", headers: auth, authorized: false)
            #expect(stats.json?["totalRooms"] as? Int == 1)
            #expect(stats.json?["totalUsers"] as? Int == 1)
            let meetings = try await api.send(.get, "/api/v1/meetings", headers: auth, authorized: false)
            #expect(meetings.text.contains("shared"))

            try await fixture.rooms.join(
                meetingRoom("adhoc"), JoinRequest(userID: meetingUser("bob")),
                createIfMissing: true)
            let list = try await api.get("/meeting/api/rooms")
            #expect(list.list("rooms").map { $0["room_id"] as? String } == ["shared", "adhoc"])
            #expect(list.list("rooms").last?["origin"] as? String == "ad_hoc")
            // MiroTalk's DELETE ends the meeting here too (everyone out), but a scheduled room outlives its meeting:
            // only the Meeting API's DELETE removes it and its row.
            var events = fixture.rooms.events().makeAsyncIterator()
            _ = try await api.send(.delete, "/api/v1/meeting/shared", headers: auth, authorized: false)
            #expect(await events.next() == .ended(meetingRoom("shared"), by: .rest))
            let kept = try await api.get("/meeting/api/rooms/shared")
            #expect(kept.status == .ok && kept.data["participant_count"] as? Int == 0)
            #expect(try fixture.storedRoomIDs() == ["shared"])
            #expect(try await api.send(.delete, "/meeting/api/rooms/shared").status == .ok)
            #expect(try await api.get("/meeting/api/rooms/shared").status == .notFound)
            try await waitUntil("the deleted room leaves SQLite") { try fixture.storedRoomIDs().isEmpty }
        }
    }

    @Test("a template's settings apply to a room created from it; explicit fields win; unknown template is 404")
    func roomFromTemplate() async throws {
        let fixture = try MeetingFixture.make()
        try await fixture.run { api in
            let template = try await api.post(
                "/meeting/api/templates",
                #"{"name":"Webinar","max_participants":50,"chat_muted_on_join":true,"lobby":true}"#)
            let templateID = try #require(template.data["id"] as? String)
            let room = try await api.post(
                "/meeting/api/rooms",
                #"{"room_id":"w1","template_id":"\#(templateID)","lobby":false}"#)
            #expect(room.status == .ok)
            #expect(room.data["max_participants"] as? Int == 50)
            #expect(room.data["chat_muted_on_join"] as? Bool == true)
            #expect(room.data["lobby"] as? Bool == false)
            #expect(room.data["template_id"] as? String == templateID)
            let detail = try await api.get("/meeting/api/rooms/w1")
            #expect((detail.data["template"] as? [String: Any])?["name"] as? String == "Webinar")
            // Chat muted on join, as the template says (except for a presenter by credential).
            let joined = try await fixture.rooms.join(
                meetingRoom("w1"),
                JoinRequest(
                    userID: meetingUser("host"),
                    asPresenter: true))
            let second = try await fixture.rooms.join(meetingRoom("w1"), JoinRequest(userID: meetingUser("guest")))
            #expect(!joined.chatMuted && second.chatMuted)

            let missing = try await api.post("/meeting/api/rooms", #"{"room_id":"w2","template_id":"nope"}"#)
            #expect(missing.status == .notFound && missing.message.contains("template_id"))
            #expect(await fixture.rooms.room(meetingRoom("w2")) == nil)
        }
    }
}

extension MeetingFixture {
    func storedRoomIDs() throws -> [String] {
        try ParleyStore.MeetingStore(database: services.database).rooms().map(\.roomID)
    }
}
