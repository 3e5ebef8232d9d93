import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("500 concurrent joins into one ad-hoc room: one room created, 500 participants, one presenter")
    func concurrentJoins() async throws {
        let directory = makeDirectory()
        let recorder = EventRecorder(directory.events())
        let results = await withTaskGroup(of: JoinResult?.self) { group in
            for index in 0..<500 {
                group.addTask { try? await directory.joinRoom(rid("big"), request("u\(index)"), createIfMissing: true) }
            }
            var all: [JoinResult] = []
            for await result in group { if let result { all.append(result) } }
            return all
        }
        #expect(results.count == 500)
        #expect(results.filter(\.createdRoom).count == 1)
        let room = try #require(await directory.room(rid("big")))
        #expect(room.participants.count == 500)
        #expect(Set(room.participants.map(\.userID)).count == 500)
        #expect(room.presenters.count == 1)
        #expect(room.presenters.first?.userID == room.participants.first?.userID)
        #expect(await directory.stats() == RegistryStats(rooms: 1, participants: 500))
        let events = try await recorder.events(atLeast: 501)
        #expect(events.count == 501)
        #expect(events.filter { if case .roomCreated = $0 { true } else { false } }.count == 1)
        // Events arrive in the order the registry admitted participants.
        let joinedOrder = events.compactMap { event -> UserID? in
            if case .participantJoined(_, let participant) = event { participant.userID } else { nil }
        }
        #expect(joinedOrder == room.participants.map(\.userID))
    }

    @Test("concurrent joins beyond capacity admit exactly the capacity")
    func concurrentCapacity() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("small"), settings: RoomSettings(maxParticipants: 100), origin: .rest)
        let outcomes = await withTaskGroup(of: RoomError?.self) { group in
            for index in 0..<500 {
                group.addTask {
                    do {
                        try await directory.join(rid("small"), request("u\(index)"))
                        return nil
                    } catch let error as RoomError {
                        return error
                    } catch {
                        return .notPermitted
                    }
                }
            }
            var all: [RoomError?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == nil }.count == 100)
        #expect(outcomes.filter { $0 == .roomFull }.count == 400)
        #expect(await directory.stats().participants == 100)
    }

    @Test("the same user joining 200 times concurrently is admitted once")
    func concurrentDuplicates() async throws {
        let directory = makeDirectory()
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask { (try? await directory.join(rid("r"), request("same"), createIfMissing: true)) != nil }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        #expect(admitted == 1)
        #expect(await directory.stats() == RegistryStats(rooms: 1, participants: 1))
    }

    @Test("500 concurrent leaves empty an ad-hoc room, which is removed exactly once")
    func concurrentLeaves() async throws {
        let directory = makeDirectory()
        for index in 0..<500 { try await directory.join(rid("r"), request("u\(index)"), createIfMissing: true) }
        let recorder = EventRecorder(directory.events())
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<500 {
                group.addTask { _ = try? await directory.leave(rid("r"), uid("u\(index)"), reason: .left) }
            }
        }
        #expect(await directory.room(rid("r")) == nil)
        #expect(await directory.stats() == RegistryStats())
        let events = try await recorder.events(atLeast: 501)
        #expect(events.count == 501)
        #expect(events.last == .roomRemoved(rid("r"), reason: .empty))
    }
}
