import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("RoomDirectory protocol")
struct DirectoryProtocolTests {
    @Test("the faces can drive the registry through `any RoomDirectory`, including the default join and delete")
    func existential() async throws {
        let directory: any RoomDirectory = makeDirectory()
        let events = await directory.events()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        await #expect(throws: RoomError.roomNotFound) { try await directory.join(rid("missing"), request("a")) }
        let alice = try await directory.join(rid("r"), request("alice", asPresenter: true))
        #expect(alice.role == .presenter)
        let final = try await directory.deleteRoom(rid("r"))
        #expect(final.participants == [alice])
        var iterator = events.makeAsyncIterator()
        var received: [RoomEvent] = []
        for _ in 0..<5 {
            if let event = await iterator.next() { received.append(event) }
        }
        #expect(received.map(\.roomID) == Array(repeating: rid("r"), count: 5))
        #expect(received.last == .roomRemoved(rid("r"), reason: .ended(by: .rest)))
    }

    @Test("when the directory goes away its subscriptions finish")
    func subscriptionsFinishOnDeinit() async throws {
        var directory: InMemoryRoomDirectory? = makeDirectory()
        let recorder = try EventRecorder(#require(directory).events())
        _ = try await directory?.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        _ = try await recorder.events(atLeast: 1)
        directory = nil
        try await waitUntil("recorder.isFinished") { recorder.isFinished }
        #expect(recorder.isFinished)
        #expect(recorder.events.count == 1)
    }

    @Test("snapshots round-trip through JSON with snake_case origin values")
    func snapshotCodable() async throws {
        let directory = makeDirectory()
        let joined = try await directory.joinRoom(rid("r"), request("a"), createIfMissing: true)
        _ = try await directory.startStream(path("room/r/a"), publisher: uid("a"), room: nil, codecs: ["opus"])
        let room = try #require(await directory.room(rid("r")))
        let data = try JSONEncoder().encode(room)
        #expect(String(decoding: data, as: UTF8.self).contains(#""origin":"ad_hoc""#))
        #expect(try JSONDecoder().decode(RoomSnapshot.self, from: data) == room)
        #expect(room.participants == [joined.participant])
    }
}
