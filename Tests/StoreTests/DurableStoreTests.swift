import Foundation
import Testing
@testable import ParleyStore

/// Which implementation of the storage seam a test runs against.
enum StoreBackend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    /// SQLite always; PostgreSQL when `make test` started one (PARLEY_TEST_DATABASE_URL).
    static var available: [StoreBackend] { TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }

    /// Fresh, empty stores: an in-memory SQLite database and a temporary data dir, or a new PostgreSQL database.
    func makeStores() async throws -> DurableStores {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "parley-store-\(UUID().uuidString)")
            return .sqlite(try .inMemory(), dataDirectory: directory)
        case .postgres:
            return .postgres(try await TestPostgres.freshStore())
        }
    }
}

@Suite("Durable rows on SQLite and PostgreSQL")
struct DurableStoreTests {
    func reservation(_ room: String, _ start: Double, _ end: Double, template: String? = nil)
        -> MeetingReservationRecord
    {
        MeetingReservationRecord(
            id: MeetingStore.newID(), roomID: room, title: "t",
            startTime: Date(timeIntervalSince1970: start), endTime: Date(timeIntervalSince1970: end),
            host: "h", participants: ["a", "b"], templateID: template, createdAt: Date(timeIntervalSince1970: 10))
    }

    func template(_ name: String, created: Double = 100) -> MeetingTemplateRecord {
        MeetingTemplateRecord(
            id: MeetingStore.newID(), name: name, description: "d", maxParticipants: 5, lobby: true,
            chatMutedOnJoin: false, recordOnStart: true, createdAt: Date(timeIntervalSince1970: created),
            updatedAt: Date(timeIntervalSince1970: created))
    }

    @Test(
        "an overlapping reservation in the same room is refused and writes nothing; touching ends are fine",
        arguments: StoreBackend.available)
    func overlap(backend: StoreBackend) async throws {
        let store = try await backend.makeStores().meetings
        let first = reservation("r", 1000, 2000)
        try await store.insertReservation(first)
        try await store.insertReservation(reservation("r", 2000, 3000))
        try await store.insertReservation(reservation("other", 1500, 2500))
        await #expect(throws: MeetingStoreError.reservationOverlap(existingID: first.id)) {
            try await store.insertReservation(reservation("r", 1999, 2001))
        }
        await #expect(throws: MeetingStoreError.templateNotFound) {
            try await store.insertReservation(reservation("r", 5000, 6000, template: "missing"))
        }
        #expect(try await store.reservations(roomID: nil).count == 3)
        #expect(try await store.reservations(roomID: "r").map(\.participants) == [["a", "b"], ["a", "b"]])
        #expect(try await store.reservations(roomID: "r").first == first)
    }

    @Test("of many concurrent bookings of one slot exactly one is stored", arguments: StoreBackend.available)
    func concurrentBookings(backend: StoreBackend) async throws {
        let store = try await backend.makeStores().meetings
        let booked = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        try await store.insertReservation(reservation("busy", 1000, 2000))
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(booked == 1)
        #expect(try await store.reservations(roomID: "busy").count == 1)
    }

    @Test(
        "a room row is saved, replaced, and forgotten only if created no later than the cutoff",
        arguments: StoreBackend.available)
    func roomCutoff(backend: StoreBackend) async throws {
        let store = try await backend.makeStores().meetings
        let created = Date(timeIntervalSince1970: 5000)
        var room = MeetingRoomRecord(
            roomID: "r", name: "", password: nil, maxParticipants: nil, templateID: nil,
            lobby: false, chatMutedOnJoin: false, recordOnStart: false, createdAt: created)
        try await store.saveRoom(room)
        room.name = "renamed"
        room.password = "pw"
        room.maxParticipants = 3
        try await store.saveRoom(room)
        #expect(try await store.rooms() == [room])
        #expect(try await store.room("r") == room, "one room by id, as a node taking it over reads it")
        #expect(try await store.room("other") == nil)
        #expect(try await !store.deleteRoom("r", createdNoLaterThan: created.addingTimeInterval(-1)))
        #expect(try await store.deleteRoom("r", createdNoLaterThan: created))
        #expect(try await store.rooms().isEmpty)
        #expect(try await !store.deleteRoom("r"))
    }

    @Test(
        "templates: names are unique, an update keeps created_at, a missing one is reported",
        arguments: StoreBackend.available)
    func templates(backend: StoreBackend) async throws {
        let store = try await backend.makeStores().meetings
        let first = template("daily", created: 100)
        try await store.insertTemplate(first)
        try await store.insertTemplate(template("weekly", created: 200))
        await #expect(throws: MeetingStoreError.duplicateTemplateName) {
            try await store.insertTemplate(template("daily"))
        }
        var changed = first
        changed.name = "daily standup"
        changed.createdAt = Date(timeIntervalSince1970: 999)
        changed.updatedAt = Date(timeIntervalSince1970: 300)
        let updated = try await store.updateTemplate(changed)
        #expect(updated.createdAt == first.createdAt && updated.name == "daily standup")
        #expect(try await store.template(first.id) == updated)
        changed.name = "weekly"
        await #expect(throws: MeetingStoreError.duplicateTemplateName) { _ = try await store.updateTemplate(changed) }
        await #expect(throws: MeetingStoreError.templateNotFound) {
            _ = try await store.updateTemplate(template("ghost"))
        }
        #expect(try await store.templates().map(\.name) == ["daily standup", "weekly"])
        #expect(try await store.deleteTemplate(first.id))
        #expect(try await !store.deleteTemplate(first.id))
        #expect(try await store.template(first.id) == nil)
        let counts = try await store.counts(now: Date(timeIntervalSince1970: 0))
        #expect(
            counts
                == MeetingStore.Counts(
                    rooms: 0, templates: 1, reservations: 0, upcomingReservations: 0,
                    recordings: 0))
    }

    @Test("counts: upcoming reservations are those not yet ended", arguments: StoreBackend.available)
    func counts(backend: StoreBackend) async throws {
        let store = try await backend.makeStores().meetings
        try await store.insertReservation(reservation("r", 1000, 2000))
        try await store.insertReservation(reservation("r", 3000, 4000))
        let counts = try await store.counts(now: Date(timeIntervalSince1970: 2500))
        #expect(counts.reservations == 2 && counts.upcomingReservations == 1 && counts.rooms == 0)
    }

    @Test("the admin user is created once; a second start reads the same hash", arguments: StoreBackend.available)
    func adminUser(backend: StoreBackend) async throws {
        let users = try await backend.makeStores().users
        #expect(try await users.passwordHash(of: "admin") == nil)
        let (hash, created) = try await users.passwordHash(
            of: "admin", creatingWith: { "h1" }, source: "generated", now: Date())
        #expect(hash == "h1" && created)
        let (again, createdAgain) = try await users.passwordHash(
            of: "admin", creatingWith: { "h2" }, source: "generated", now: Date())
        #expect(again == "h1" && !createdAgain)
        #expect(try await users.passwordHash(of: "admin") == "h1")
    }

    @Test(
        "secrets: generated once with a warning each, then reused; a configured one wins",
        arguments: StoreBackend.available)
    func secrets(backend: StoreBackend) async throws {
        let secrets = try await backend.makeStores().secrets
        let (first, warnings) = try await secrets.resolve(ConfiguredSecrets())
        #expect(warnings.count == 3 && first.apiKeySecret != first.jwtSecret && first.authSecret.count >= 32)
        #expect(!warnings.joined().contains(first.jwtSecret) && warnings.joined().contains(first.apiKeySecret))
        let (second, none) = try await secrets.resolve(ConfiguredSecrets())
        #expect(second == first && none.isEmpty)
        let (configured, _) = try await secrets.resolve(ConfiguredSecrets(jwtSecret: "mine"))
        #expect(configured.jwtSecret == "mine" && configured.apiKeySecret == first.apiKeySecret)
    }
}
