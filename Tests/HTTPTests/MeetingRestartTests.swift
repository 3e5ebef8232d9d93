import Foundation
import HTTPTypes
import Logging
import ParleyHTTP
import ParleyRooms
import ParleyStore
import Testing

@Suite("Meeting REST: persistence across restarts")
struct MeetingRestartTests {
    @Test("rooms, templates, reservations and recordings survive a restart on the same data dir; presence does not")
    func restart() async throws {
        let directory = try MeetingFixture.temporaryDirectory()
        let logger = Logger(label: "test.meeting.restart")

        let firstDatabase = try ParleyDatabase.open(directory: directory, logger: logger)
        let first = try MeetingFixture.make(dataDirectory: directory, database: firstDatabase)
        try MeetingRecordingsTests.write(first, room: "keep", file: "k.mp4", bytes: [1, 2, 3])
        let (templateID, reservationID, recordingID) = try await first.run { api in
            let template = try await api.post("/meeting/api/templates", #"{"name":"Board","max_participants":8}"#)
            let templateID = try #require(template.data["id"] as? String)
            try await api.post(
                "/meeting/api/rooms",
                #"{"room_id":"keep","name":"Kept","password":"pw","template_id":"\#(templateID)"}"#)
            try await api.post("/meeting/api/rooms", #"{"room_id":"gone"}"#)
            _ = try await api.send(.delete, "/meeting/api/rooms/gone")
            let reservation = try await api.post(
                "/meeting/api/reservations",
                #"{"room_id":"keep","title":"Q3","start_time":"\#(meetingTime(hours: 24))","end_time":"\#(meetingTime(hours: 25))","host":"ann","participants":["ann"]}"#
            )
            let reservationID = try #require(reservation.data["id"] as? String)
            let recordingID = try #require(
                try await api.get("/meeting/api/recordings").list("recordings").first?["id"] as? String)
            try await first.rooms.join(meetingRoom("keep"), JoinRequest(userID: meetingUser("ann"), password: "pw"))
            return (templateID, reservationID, recordingID)
        }
        let createdAt = try #require(try MeetingStore(database: firstDatabase).rooms().first?.createdAt)
        try firstDatabase.close()

        let secondDatabase = try ParleyDatabase.open(directory: directory, logger: logger)
        let second = try MeetingFixture.make(dataDirectory: directory, database: secondDatabase)
        #expect(try await MeetingFace.restoreRooms(services: second.services) == 1)
        let restored = try #require(await second.rooms.room(meetingRoom("keep")))
        #expect(restored.origin == .rest && restored.settings.password == "pw" && restored.capacity == 8)
        #expect(restored.participants.isEmpty)
        try await second.run { api in
            let rooms = try await api.get("/meeting/api/rooms")
            #expect(rooms.list("rooms").map { $0["room_id"] as? String } == ["keep"])
            let detail = try await api.get("/meeting/api/rooms/keep")
            #expect(detail.data["name"] as? String == "Kept")
            #expect(detail.data["created_at"] as? String == createdAt.formatted(.iso8601))
            #expect((detail.data["template"] as? [String: Any])?["id"] as? String == templateID)
            #expect(try await api.get("/meeting/api/templates/\(templateID)").data["max_participants"] as? Int == 8)
            #expect(
                try await api.get("/meeting/api/reservations").list("reservations").first?["id"] as? String
                    == reservationID)
            #expect(
                try await api.get("/meeting/api/recordings").list("recordings").first?["id"] as? String == recordingID)
            let auth: HTTPFields = [.authorization: MeetingFixture.apiKey]
            let stats = try await api.send(.get, "/api/v1/stats", headers: auth, authorized: false)
            #expect(stats.json?["totalRooms"] as? Int == 1)
        }
        // Restoring twice leaves the live room alone.
        #expect(try await MeetingFace.restoreRooms(services: second.services) == 0)
        try secondDatabase.close()
    }

    @Test(
        "every acknowledged reservation is readable by a second process that opens the data dir without a clean close")
    func acknowledgedWritesSurviveACrash() async throws {
        let directory = try MeetingFixture.temporaryDirectory()
        let logger = Logger(label: "test.meeting.crash")
        // The first database is never closed or checkpointed, as after SIGKILL: only the WAL holds the writes.
        let crashed = try ParleyDatabase.open(directory: directory, logger: logger)
        let fixture = try MeetingFixture.make(dataDirectory: directory, database: crashed)
        let acknowledged = try await fixture.run { api in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var ids: [String] = []
                        for slot in 0..<25 {
                            let response = try await api.post(
                                "/meeting/api/reservations",
                                #"{"room_id":"w\#(worker)","title":"s","start_time":"\#(meetingTime(hours: 24 + Double(slot)))","end_time":"\#(meetingTime(hours: 24.5 + Double(slot)))","host":"h","participants":[]}"#
                            )
                            if response.status == .ok, let id = response.data["id"] as? String { ids.append(id) }
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        #expect(acknowledged.count == 100)
        let reopened = try ParleyDatabase.open(directory: directory, logger: logger)
        let stored = Set(try MeetingStore(database: reopened).reservations().map(\.id))
        #expect(Set(acknowledged).isSubset(of: stored) && stored.count == 100)
        try reopened.close()
    }
}
