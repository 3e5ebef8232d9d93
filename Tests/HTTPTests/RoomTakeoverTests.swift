import Fixtures
import Foundation
import ParleyRooms
import ParleyStore
import Testing
@testable import ParleyHTTP

/// Issue 13: the first anonymous WebSocket joiner of a room created with `POST /meeting/api/rooms` became its
/// presenter, sent `end`, and the room was deleted from SQLite for good.
@Suite("Rooms created over REST cannot be taken over")
struct RoomTakeoverTests {
    @Test("an anonymous first joiner of a REST room is a plain participant, cannot end it, and the row survives")
    func anonymousFirstJoiner() async throws {
        let fixture = try MeetingFixture.make()
        let store = MeetingStore(database: fixture.services.database)
        try await fixture.run { api in
            let created = try await api.post("/meeting/api/rooms", #"{"room_id":"board","name":"Board"}"#)
            #expect(created.status == .ok)

            let channels = RoomChannels(clock: ManualClock())
            let intruder = try await SessionProbe.join(fixture.rooms, channels: channels, room: "board", user: "anon")
            #expect((try await intruder.next("joined"))?.data["role"] as? String == "participant")
            for (id, action) in [(1, "end"), (2, "lock"), (3, "kick")] {
                let body = action == "kick" ? #","user_id":"anon""# : ""
                await intruder.send(#"{"action":"\#(action)","id":\#(id)\#(body)}"#)
                let refused = try await intruder.next("error")
                #expect(refused?.data["code"] as? String == "not_permitted", "\(action)")
            }
            #expect(await fixture.rooms.room(meetingRoom("board"))?.participants.count == 1)
            #expect(try store.rooms().map(\.roomID) == ["board"])

            // A presenter by credential may end the meeting: everyone out, `ended` sent, the scheduled room stays.
            let host = try await SessionProbe.join(
                fixture.rooms, channels: channels, room: "board", user: "host",
                asPresenter: true)
            await host.send(#"{"action":"end","id":9}"#)
            #expect(try await intruder.next("ended") != nil)
            #expect(try await host.next("ended") != nil)
            guard case .close(let code, _) = try await intruder.closeItem() else {
                Issue.record("the participant was not closed")
                return
            }
            #expect(code == .roomEnded)
            let kept = try #require(await fixture.rooms.room(meetingRoom("board")))
            #expect(kept.participants.isEmpty && kept.origin == .rest)
            // The store follows registry events asynchronously, in order. Barrier: a later removal the sync does
            // act on; once its row is gone, the end above has been handled too.
            #expect(try await api.post("/meeting/api/rooms", #"{"room_id":"marker"}"#).status == .ok)
            _ = try await fixture.rooms.deleteRoom(meetingRoom("marker"))
            try await waitUntil("the sync forgets the marker room") { try store.rooms().map(\.roomID) == ["board"] }
            #expect(try store.rooms().map(\.roomID) == ["board"])
            #expect(try await api.get("/meeting/api/rooms/board").status == .ok)

            // Only the REST caller deletes it.
            #expect(try await api.send(.delete, "/meeting/api/rooms/board").status == .ok)
            #expect(try store.rooms().isEmpty)
        }
    }
}
