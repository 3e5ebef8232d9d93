import Foundation
import Testing
@testable import ParleyStore

@Suite("Meeting store")
struct MeetingStoreTests {
    func reservation(_ room: String, _ start: Double, _ end: Double, template: String? = nil)
        -> MeetingReservationRecord
    {
        MeetingReservationRecord(
            id: MeetingStore.newID(), roomID: room, title: "t",
            startTime: Date(timeIntervalSince1970: start), endTime: Date(timeIntervalSince1970: end),
            host: "h", participants: ["a", "b"], templateID: template, createdAt: Date())
    }

    @Test("an overlapping reservation in the same room is refused and writes nothing; touching ends are fine")
    func overlap() throws {
        let store = MeetingStore(database: try .inMemory())
        let first = reservation("r", 1000, 2000)
        try store.insertReservation(first)
        try store.insertReservation(reservation("r", 2000, 3000))
        try store.insertReservation(reservation("other", 1500, 2500))
        #expect(throws: MeetingStoreError.reservationOverlap(existingID: first.id)) {
            try store.insertReservation(reservation("r", 1999, 2001))
        }
        #expect(throws: MeetingStoreError.templateNotFound) {
            try store.insertReservation(reservation("r", 5000, 6000, template: "missing"))
        }
        #expect(try store.reservations().count == 3)
        #expect(try store.reservations(roomID: "r").map(\.participants) == [["a", "b"], ["a", "b"]])
    }

    @Test("ids are 22 base64url characters and never repeat")
    func ids() {
        let ids = (0..<1000).map { _ in MeetingStore.newID() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 22 && RecordingFiles.isSafeName($0) || $0.hasPrefix(".") == false })
    }

    @Test("a room row is forgotten only if created no later than the cutoff")
    func roomCutoff() throws {
        let store = MeetingStore(database: try .inMemory())
        let created = Date(timeIntervalSince1970: 5000)
        try store.saveRoom(
            MeetingRoomRecord(
                roomID: "r", name: "", password: nil, maxParticipants: nil, templateID: nil,
                lobby: false, chatMutedOnJoin: false, recordOnStart: false, createdAt: created))
        #expect(try !store.deleteRoom("r", createdNoLaterThan: created.addingTimeInterval(-1)))
        #expect(try store.deleteRoom("r", createdNoLaterThan: created))
        #expect(try store.rooms().isEmpty)
    }

    @Test("catalogue names that could leave the recordings directory never resolve")
    func safeNames() {
        let base = URL(fileURLWithPath: "/data/recordings")
        #expect(RecordingFiles.resolve("r1/a.mp4", in: base)?.path == "/data/recordings/r1/a.mp4")
        for name in ["../x", "r1/../../etc", "r1/.hidden", "/abs/x", "r1/a/b", "r1/", "a b/c", ".."] {
            #expect(RecordingFiles.resolve(name, in: base) == nil, "\(name)")
        }
    }
}
