import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Room lifecycle")
struct RoomLifecycleTests {
    @Test("createRoom stores settings and origin, emits roomCreated, and refuses a duplicate id")
    func create() async throws {
        let directory = makeDirectory()
        let recorder = EventRecorder(directory.events())
        let settings = RoomSettings(
            name: "Weekly", password: "pw", maxParticipants: 5, templateID: "t1",
            chatMutedOnJoin: true, lobby: true, recordOnStart: true)
        let created = try await directory.createRoom(rid("weekly"), settings: settings, origin: .rest)
        #expect(created.settings == settings)
        #expect(created.origin == .rest)
        #expect(created.createdAt == fixedDate)
        #expect(created.capacity == 5)
        #expect(created.displayName == "Weekly")
        #expect(created.participants.isEmpty && !created.locked)
        await #expect(throws: RoomError.roomAlreadyExists) {
            try await directory.createRoom(rid("weekly"), settings: RoomSettings(), origin: .adHoc)
        }
        await #expect(throws: RoomError.invalidSettings) {
            try await directory.createRoom(rid("neg"), settings: RoomSettings(maxParticipants: -1), origin: .rest)
        }
        #expect(await directory.room(rid("weekly")) == created)
        #expect(await directory.room(rid("neg")) == nil)
        let events = try await recorder.events(atLeast: 1)
        #expect(events == [.roomCreated(created)])
    }

    @Test("rooms() lists live rooms in creation order")
    func creationOrder() async throws {
        let directory = makeDirectory()
        for name in ["zulu", "alpha", "mike"] {
            _ = try await directory.createRoom(rid(name), settings: RoomSettings(), origin: .rest)
        }
        try await directory.join(rid("bravo"), request("u"), createIfMissing: true)
        #expect(await directory.rooms().map(\.id.rawValue) == ["zulu", "alpha", "mike", "bravo"])
        _ = try await directory.deleteRoom(rid("alpha"))
        #expect(await directory.rooms().map(\.id.rawValue) == ["zulu", "mike", "bravo"])
    }

    @Test("rooms() stays in creation order across removals, re-creations and changes between two lists")
    func creationOrderBetweenLists() async throws {
        let directory = makeDirectory()
        for name in ["zulu", "alpha", "mike"] {
            _ = try await directory.createRoom(rid(name), settings: RoomSettings(), origin: .rest)
        }
        #expect(await directory.rooms().map(\.id.rawValue) == ["zulu", "alpha", "mike"])
        // One removed and one created between two lists: the same count, a different list.
        _ = try await directory.deleteRoom(rid("zulu"))
        _ = try await directory.createRoom(rid("zulu"), settings: RoomSettings(name: "again"), origin: .rest)
        var listed = await directory.rooms()
        #expect(listed.map(\.id.rawValue) == ["alpha", "mike", "zulu"])
        #expect(listed.last?.settings.name == "again")
        // Changes to a listed room show, the order stays.
        _ = try await directory.updateSettings(rid("alpha"), RoomSettings(name: "renamed"))
        try await directory.join(rid("mike"), request("u"), createIfMissing: false)
        listed = await directory.rooms()
        #expect(listed.map(\.id.rawValue) == ["alpha", "mike", "zulu"])
        #expect(listed.first?.settings.name == "renamed")
        #expect(listed[1].participants.map(\.userID.rawValue) == ["u"])
        // The last one out of an ad-hoc room removes it; a new ad-hoc room comes last.
        try await directory.join(rid("bravo"), request("v"), createIfMissing: true)
        #expect(await directory.rooms().map(\.id.rawValue) == ["alpha", "mike", "zulu", "bravo"])
        _ = try await directory.leave(rid("bravo"), uid("v"), reason: .left)
        _ = try await directory.deleteRoom(rid("alpha"))
        try await directory.join(rid("bravo"), request("w"), createIfMissing: true)
        #expect(await directory.rooms().map(\.id.rawValue) == ["mike", "zulu", "bravo"])
    }

    @Test("updateSettings replaces settings, emits settingsChanged once, and refuses unknown rooms")
    func updateSettings() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        let recorder = EventRecorder(directory.events())
        let next = RoomSettings(name: "New", password: "s3cret", maxParticipants: 2)
        let updated = try await directory.updateSettings(rid("r"), next)
        #expect(updated.settings == next)
        #expect(updated.capacity == 2)
        _ = try await directory.updateSettings(rid("r"), next) // unchanged: no second event
        await #expect(throws: RoomError.roomNotFound) { try await directory.updateSettings(rid("nope"), next) }
        await #expect(throws: RoomError.invalidSettings) {
            try await directory.updateSettings(rid("r"), RoomSettings(maxParticipants: -3))
        }
        _ = try await directory.createRoom(rid("marker"), settings: RoomSettings(), origin: .rest)
        let marker = try #require(await directory.room(rid("marker")))
        let before = try await recorder.events(before: .roomCreated(marker))
        #expect(before == [.settingsChanged(rid("r"), next)])
    }

    @Test("an ad-hoc room is removed when its last participant leaves")
    func adHocRemovedWhenEmpty() async throws {
        let directory = makeDirectory()
        let recorder = EventRecorder(directory.events())
        let first = try await directory.joinRoom(rid("pop"), request("a"), createIfMissing: true)
        #expect(first.createdRoom)
        #expect(first.room.origin == .adHoc)
        try await directory.join(rid("pop"), request("b"))
        _ = try await directory.leave(rid("pop"), uid("a"), reason: .left)
        #expect(await directory.room(rid("pop")) != nil)
        _ = try await directory.leave(rid("pop"), uid("b"), reason: .dropped)
        #expect(await directory.room(rid("pop")) == nil)
        #expect(await directory.stats() == RegistryStats())
        let events = try await recorder.events(atLeast: 6)
        #expect(events.count == 6)
        guard events.count == 6 else { return }
        guard case .roomCreated(let created) = events[0] else { Issue.record("expected roomCreated"); return }
        #expect(created.participants.isEmpty)
        #expect(events[3] == .participantLeft(rid("pop"), uid("a"), reason: .left))
        #expect(events[4] == .participantLeft(rid("pop"), uid("b"), reason: .dropped))
        #expect(events[5] == .roomRemoved(rid("pop"), reason: .empty))
    }

    @Test("a REST room stays when its last participant leaves")
    func restRoomStays() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("kept"), settings: RoomSettings(), origin: .rest)
        try await directory.join(rid("kept"), request("a"))
        _ = try await directory.leave(rid("kept"), uid("a"), reason: .left)
        let room = try #require(await directory.room(rid("kept")))
        #expect(room.participants.isEmpty)
        #expect(await directory.stats().rooms == 1)
    }

    @Test("leave refuses unknown rooms and participants")
    func leaveRefusals() async throws {
        let directory = makeDirectory()
        await #expect(throws: RoomError.roomNotFound) {
            try await directory.leave(rid("none"), uid("a"), reason: .left)
        }
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        await #expect(throws: RoomError.participantNotFound) {
            try await directory.leave(rid("r"), uid("ghost"), reason: .left)
        }
    }

    @Test("end of an ad-hoc room: ended, then participantLeft(.ended) in join order, then roomRemoved")
    func endOrderAdHoc() async throws {
        let directory = makeDirectory()
        for user in ["a", "b", "c"] { try await directory.join(rid("r"), request(user), createIfMissing: true) }
        let recorder = EventRecorder(directory.events())
        let final = try await directory.end(rid("r"), by: .user(uid("a")))
        #expect(final.participants.map(\.userID.rawValue) == ["a", "b", "c"])
        #expect(await directory.room(rid("r")) == nil)
        let by = Moderator.user(uid("a"))
        let events = try await recorder.events(atLeast: 5)
        #expect(
            events == [
                .ended(rid("r"), by: by),
                .participantLeft(rid("r"), uid("a"), reason: .ended(by: by)),
                .participantLeft(rid("r"), uid("b"), reason: .ended(by: by)),
                .participantLeft(rid("r"), uid("c"), reason: .ended(by: by)),
                .roomRemoved(rid("r"), reason: .ended(by: by)),
            ])
        await #expect(throws: RoomError.roomNotFound) { try await directory.end(rid("r"), by: .rest) }
    }

    @Test("end of a REST room ends the meeting (everyone out, events sent) but keeps the room, unlike deleteRoom")
    func endKeepsRESTRoom() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(name: "Weekly"), origin: .rest)
        try await directory.join(rid("r"), request("a", asPresenter: true))
        try await directory.join(rid("r"), request("b"))
        let recorder = EventRecorder(directory.events())
        let final = try await directory.end(rid("r"), by: .user(uid("a")))
        #expect(final.participants.map(\.userID.rawValue) == ["a", "b"])
        let kept = try #require(await directory.room(rid("r")))
        #expect(kept.participants.isEmpty && kept.origin == .rest && kept.settings.name == "Weekly")
        let by = Moderator.user(uid("a"))
        #expect(
            try await recorder.events(atLeast: 3) == [
                .ended(rid("r"), by: by),
                .participantLeft(rid("r"), uid("a"), reason: .ended(by: by)),
                .participantLeft(rid("r"), uid("b"), reason: .ended(by: by)),
            ])
        // The scheduled room takes the next meeting; only an API face may delete it.
        try await directory.join(rid("r"), request("a", asPresenter: true))
        await #expect(throws: RoomError.notPermitted) { try await directory.deleteRoom(rid("r"), by: .user(uid("a"))) }
        _ = try await directory.deleteRoom(rid("r"), by: .api("meeting-api"))
        #expect(await directory.room(rid("r")) == nil)
    }

    @Test("the first anonymous joiner presents only in an ad-hoc room, never in a room created over REST")
    func firstJoinerOfRESTRoom() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("planned"), settings: RoomSettings(), origin: .rest)
        let first = try await directory.join(rid("planned"), request("anon"))
        #expect(first.role == .participant)
        await #expect(throws: RoomError.notPermitted) {
            try await directory.end(rid("planned"), by: .user(uid("anon")))
        }
        await #expect(throws: RoomError.notPermitted) {
            try await directory.lock(rid("planned"), by: .user(uid("anon")))
        }
        let token = try await directory.join(rid("planned"), request("host", asPresenter: true))
        #expect(token.role == .presenter)
        #expect(try await directory.join(rid("adhoc"), request("opener"), createIfMissing: true).role == .presenter)
    }

    @Test("deleteRoom ends sessions by the REST moderator and removes an empty REST room")
    func deleteRoom() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("empty"), settings: RoomSettings(), origin: .rest)
        _ = try await directory.createRoom(rid("full"), settings: RoomSettings(), origin: .rest)
        try await directory.join(rid("full"), request("x"))
        let recorder = EventRecorder(directory.events())
        _ = try await directory.deleteRoom(rid("empty"))
        _ = try await directory.deleteRoom(rid("full"))
        await #expect(throws: RoomError.roomNotFound) { try await directory.deleteRoom(rid("empty")) }
        #expect(await directory.rooms().isEmpty)
        let events = try await recorder.events(atLeast: 5)
        #expect(
            events == [
                .ended(rid("empty"), by: .rest),
                .roomRemoved(rid("empty"), reason: .ended(by: .rest)),
                .ended(rid("full"), by: .rest),
                .participantLeft(rid("full"), uid("x"), reason: .ended(by: .rest)),
                .roomRemoved(rid("full"), reason: .ended(by: .rest)),
            ])
    }

    @Test("stats count rooms, participants, publishers, subscribers and locked rooms")
    func stats() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r1"), settings: RoomSettings(), origin: .rest)
        for user in ["a", "b", "c"] { try await directory.join(rid("r1"), request(user)) }
        try await directory.join(rid("r2"), request("d"), createIfMissing: true)
        _ = try await directory.lock(rid("r2"), by: .user(uid("d")))
        _ = try await directory.startStream(path("room/r1/a"), publisher: uid("a"), room: nil, codecs: ["opus"])
        _ = try await directory.startStream(path("live/x"), publisher: nil, room: nil, codecs: ["H264"])
        _ = try await directory.addSubscriber(path("live/x"))
        _ = try await directory.addSubscriber(path("live/x"))
        _ = try await directory.addSubscriber(path("room/r1/a"))
        #expect(
            await directory.stats()
                == RegistryStats(
                    rooms: 2, participants: 4, publishers: 2, subscribers: 3,
                    lockedRooms: 1))
    }
}
