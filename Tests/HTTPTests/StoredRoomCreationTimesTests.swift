import Foundation
import ParleyRooms
import Testing

@testable import ParleyHTTP

/// The room list reads stored creation times only for rooms it has not seen; a re-created room is read again.
@Suite("Meeting room list: stored creation times are read once per live room")
struct StoredRoomCreationTimesTests {
    /// A store answering from a table, counting its reads.
    final class Store: @unchecked Sendable {
        var rows: [String: Date] = [:]
        var reads = 0

        func read() -> [String: Date] {
            reads += 1
            return rows
        }
    }

    static func room(_ id: String, _ origin: RoomOrigin, createdAt: Double) -> RoomSnapshot {
        RoomSnapshot(
            id: RoomID(id)!, settings: RoomSettings(), origin: origin, locked: false,
            createdAt: Date(timeIntervalSince1970: createdAt), participants: [], streams: [], capacity: 10)
    }

    @Test("stored times for API rooms, registry times otherwise; the store is read again only for a new room")
    func readsOnlyForUnknownRooms() async throws {
        let cache = StoredRoomCreationTimes()
        let store = Store()
        store.rows = ["a": Date(timeIntervalSince1970: 100), "b": Date(timeIntervalSince1970: 200)]
        var live = [Self.room("a", .rest, createdAt: 1_000), Self.room("x", .adHoc, createdAt: 1_001)]

        var times = try await cache.createdAt(of: live) { store.read() }
        #expect(times == [Date(timeIntervalSince1970: 100), Date(timeIntervalSince1970: 1_001)])
        #expect(store.reads == 1)
        times = try await cache.createdAt(of: live) { store.read() }
        #expect(times == [Date(timeIntervalSince1970: 100), Date(timeIntervalSince1970: 1_001)])
        #expect(store.reads == 1, "every room was known")

        // A new API room: one more read.
        live.append(Self.room("b", .rest, createdAt: 1_002))
        times = try await cache.createdAt(of: live) { store.read() }
        #expect(times.last == Date(timeIntervalSince1970: 200))
        #expect(store.reads == 2)
        _ = try await cache.createdAt(of: live) { store.read() }
        #expect(store.reads == 2)

        // "a" removed and created again (new registry instant, new row): read again, the new row's time.
        store.rows["a"] = Date(timeIntervalSince1970: 300)
        live[0] = Self.room("a", .rest, createdAt: 2_000)
        times = try await cache.createdAt(of: live) { store.read() }
        #expect(times.first == Date(timeIntervalSince1970: 300))
        #expect(store.reads == 3)

        // An API room without a row yet: the registry's time, and it is not remembered (read until the row exists).
        live.append(Self.room("c", .rest, createdAt: 3_000))
        times = try await cache.createdAt(of: live) { store.read() }
        #expect(times.last == Date(timeIntervalSince1970: 3_000))
        _ = try await cache.createdAt(of: live) { store.read() }
        #expect(store.reads == 5)
        store.rows["c"] = Date(timeIntervalSince1970: 400)
        times = try await cache.createdAt(of: live) { store.read() }
        #expect(times.last == Date(timeIntervalSince1970: 400))
        _ = try await cache.createdAt(of: live) { store.read() }
        #expect(store.reads == 6)
    }

    @Test("a failing store read fails the list, and a later read succeeds")
    func storeErrorsPropagate() async throws {
        struct Broken: Error {}
        let cache = StoredRoomCreationTimes()
        let live = [Self.room("a", .rest, createdAt: 1)]
        await #expect(throws: Broken.self) { try await cache.createdAt(of: live) { throw Broken() } }
        let times = try await cache.createdAt(of: live) { ["a": Date(timeIntervalSince1970: 5)] }
        #expect(times == [Date(timeIntervalSince1970: 5)])
    }
}
