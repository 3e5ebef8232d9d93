import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Streams")
struct StreamTests {
    @Test("start, subscribe, unsubscribe and stop a stream outside rooms")
    func lifecycle() async throws {
        let directory = makeDirectory()
        let recorder = EventRecorder(directory.events())
        let live = path("live/cam1")
        let started = try await directory.startStream(live, publisher: nil, room: nil, codecs: ["opus", "VP8"])
        #expect(
            started
                == StreamInfo(
                    path: live, publisher: nil, roomID: nil, codecs: ["opus", "VP8"],
                    subscribers: 0, startedAt: fixedDate))
        #expect(try await directory.addSubscriber(live).subscribers == 1)
        #expect(try await directory.addSubscriber(live).subscribers == 2)
        #expect(try await directory.removeSubscriber(live).subscribers == 1)
        #expect(await directory.stream(live)?.subscribers == 1)
        let stopped = try await directory.stopStream(live)
        #expect(await directory.stream(live) == nil)
        #expect(await directory.streams().isEmpty)
        var one = started
        one.subscribers = 1
        var two = started
        two.subscribers = 2
        #expect(
            try await recorder.events(atLeast: 5) == [
                .streamStarted(started), .subscriberCountChanged(one), .subscriberCountChanged(two),
                .subscriberCountChanged(one), .streamStopped(stopped),
            ])
        #expect(stopped == one)
    }

    @Test("a live path cannot be published twice; stopped or unknown paths are streamNotFound")
    func duplicateAndMissing() async throws {
        let directory = makeDirectory()
        let live = path("live/x")
        _ = try await directory.startStream(live, publisher: nil, room: nil, codecs: [])
        await #expect(throws: RoomError.streamAlreadyPublished) {
            try await directory.startStream(live, publisher: nil, room: nil, codecs: [])
        }
        _ = try await directory.stopStream(live)
        await #expect(throws: RoomError.streamNotFound) { try await directory.stopStream(live) }
        await #expect(throws: RoomError.streamNotFound) { try await directory.addSubscriber(live) }
        await #expect(throws: RoomError.streamNotFound) { try await directory.removeSubscriber(live) }
        // After a stop the path is free again.
        _ = try await directory.startStream(live, publisher: nil, room: nil, codecs: [])
    }

    @Test("removing a subscriber at zero stays at zero and emits nothing")
    func subscriberFloor() async throws {
        let directory = makeDirectory()
        _ = try await directory.startStream(path("s"), publisher: nil, room: nil, codecs: [])
        let recorder = EventRecorder(directory.events())
        #expect(try await directory.removeSubscriber(path("s")).subscribers == 0)
        let marker = try await directory.createRoom(rid("marker"), settings: RoomSettings(), origin: .rest)
        #expect(try await recorder.events(before: .roomCreated(marker)) == [])
    }

    @Test("a room-scoped path belongs to its room and user, and appears in the room's snapshot")
    func roomScoped() async throws {
        let directory = makeDirectory()
        try await directory.join(rid("r"), request("alice"), createIfMissing: true)
        let info = try await directory.startStream(
            path("room/r/alice"), publisher: uid("alice"), room: nil,
            codecs: ["opus"])
        #expect(info.roomID == rid("r"))
        #expect(info.publisher == uid("alice"))
        #expect(await directory.room(rid("r"))?.streams == [info])
    }

    @Test("room-scoped streams refuse other rooms, other publishers, missing rooms and non-members")
    func roomScopedRefusals() async throws {
        let directory = makeDirectory()
        try await directory.join(rid("r"), request("alice"), createIfMissing: true)
        try await directory.join(rid("r"), request("bob"))
        try await directory.join(rid("other"), request("carol"), createIfMissing: true)
        await #expect(throws: RoomError.notPermitted) {
            try await directory.startStream(path("room/r/alice"), publisher: uid("bob"), room: nil, codecs: [])
        }
        await #expect(throws: RoomError.notPermitted) {
            try await directory.startStream(path("room/r/alice"), publisher: nil, room: rid("other"), codecs: [])
        }
        await #expect(throws: RoomError.roomNotFound) {
            try await directory.startStream(path("room/gone/alice"), publisher: nil, room: nil, codecs: [])
        }
        await #expect(throws: RoomError.participantNotFound) {
            try await directory.startStream(path("room/r/dave"), publisher: uid("dave"), room: nil, codecs: [])
        }
        await #expect(throws: RoomError.roomNotFound) {
            try await directory.startStream(path("live/a"), publisher: nil, room: rid("gone"), codecs: [])
        }
        #expect(await directory.streams().isEmpty)
        #expect(await directory.stats().publishers == 0)
    }

    @Test("streams() lists in start order")
    func order() async throws {
        let directory = makeDirectory()
        for name in ["c", "a", "b"] {
            _ = try await directory.startStream(path("live/\(name)"), publisher: nil, room: nil, codecs: [])
        }
        #expect(await directory.streams().map(\.path.rawValue) == ["live/c", "live/a", "live/b"])
    }

    @Test("a leaving participant's streams stop before its participantLeft event")
    func leaveStopsStreams() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        try await directory.join(rid("r"), request("alice"))
        try await directory.join(rid("r"), request("bob"))
        let alices = try await directory.startStream(
            path("room/r/alice"), publisher: uid("alice"), room: nil,
            codecs: [])
        let bobs = try await directory.startStream(path("room/r/bob"), publisher: uid("bob"), room: nil, codecs: [])
        let recorder = EventRecorder(directory.events())
        _ = try await directory.kick(rid("r"), uid("alice"), by: .rest)
        #expect(await directory.streams() == [bobs])
        #expect(
            try await recorder.events(atLeast: 2) == [
                .streamStopped(alices),
                .participantLeft(rid("r"), uid("alice"), reason: .kicked(by: .rest)),
            ])
    }

    @Test(
        "ending a REST room's meeting stops every stream of the room, each before its publisher leaves; the room stays")
    func endStopsStreams() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        try await directory.join(rid("r"), request("alice"))
        let alices = try await directory.startStream(
            path("room/r/alice"), publisher: uid("alice"), room: nil,
            codecs: [])
        let feed = try await directory.startStream(path("feeds/r"), publisher: nil, room: rid("r"), codecs: [])
        let outside = try await directory.startStream(path("live/x"), publisher: nil, room: nil, codecs: [])
        let recorder = EventRecorder(directory.events())
        _ = try await directory.end(rid("r"), by: .rest)
        #expect(await directory.streams() == [outside])
        #expect(
            try await recorder.events(atLeast: 4) == [
                .ended(rid("r"), by: .rest),
                .streamStopped(alices),
                .participantLeft(rid("r"), uid("alice"), reason: .ended(by: .rest)),
                .streamStopped(feed),
            ])
        #expect(await directory.room(rid("r"))?.streams == [])
    }
}
