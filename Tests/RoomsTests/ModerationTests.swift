import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Moderation")
struct ModerationTests {
    /// Room "r" (REST) with presenter "p" (by its credential) and participants "a", "b".
    static func populated() async throws -> InMemoryRoomDirectory {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        for user in ["p", "a", "b"] { try await directory.join(rid("r"), request(user, asPresenter: user == "p")) }
        return directory
    }

    @Test("a presenter kicks: participantLeft(.kicked) is emitted and the participant is gone")
    func kick() async throws {
        let directory = try await Self.populated()
        let recorder = EventRecorder(directory.events())
        let kicked = try await directory.kick(rid("r"), uid("a"), by: .user(uid("p")))
        #expect(kicked.userID == uid("a"))
        #expect(await directory.room(rid("r"))?.participants.map(\.userID) == [uid("p"), uid("b")])
        #expect(
            try await recorder.events(atLeast: 1)
                == [.participantLeft(rid("r"), uid("a"), reason: .kicked(by: .user(uid("p"))))])
    }

    @Test("kicking the last participant of an ad-hoc room: participantLeft(.kicked) then roomRemoved(.empty)")
    func kickLastInAdHoc() async throws {
        let directory = makeDirectory()
        try await directory.join(rid("adhoc"), request("solo"), createIfMissing: true)
        let recorder = EventRecorder(directory.events())
        _ = try await directory.kick(rid("adhoc"), uid("solo"), by: .api("monibuca"))
        #expect(
            try await recorder.events(atLeast: 2) == [
                .participantLeft(rid("adhoc"), uid("solo"), reason: .kicked(by: .api("monibuca"))),
                .roomRemoved(rid("adhoc"), reason: .empty),
            ])
        #expect(await directory.room(rid("adhoc")) == nil)
    }

    @Test("non-presenters, absent users and unknown rooms cannot moderate; refusals emit nothing")
    func notPermitted() async throws {
        let directory = try await Self.populated()
        let recorder = EventRecorder(directory.events())
        let stats = await directory.stats()
        let plain = Moderator.user(uid("a"))
        let stranger = Moderator.user(uid("nobody"))
        for by in [plain, stranger] {
            await #expect(throws: RoomError.notPermitted) { try await directory.kick(rid("r"), uid("b"), by: by) }
            await #expect(throws: RoomError.notPermitted) {
                try await directory.setChatMuted(rid("r"), uid("b"), muted: true, by: by)
            }
            await #expect(throws: RoomError.notPermitted) { try await directory.lock(rid("r"), by: by) }
            await #expect(throws: RoomError.notPermitted) { try await directory.unlock(rid("r"), by: by) }
            await #expect(throws: RoomError.notPermitted) { try await directory.end(rid("r"), by: by) }
            await #expect(throws: RoomError.notPermitted) {
                try await directory.setRole(rid("r"), uid("a"), role: .presenter, by: by)
            }
        }
        await #expect(throws: RoomError.roomNotFound) { try await directory.kick(rid("x"), uid("b"), by: .rest) }
        await #expect(throws: RoomError.roomNotFound) { try await directory.lock(rid("x"), by: .rest) }
        await #expect(throws: RoomError.participantNotFound) {
            try await directory.kick(rid("r"), uid("ghost"), by: .user(uid("p")))
        }
        await #expect(throws: RoomError.participantNotFound) {
            try await directory.setChatMuted(rid("r"), uid("ghost"), muted: true, by: .rest)
        }
        #expect(await directory.stats() == stats)
        let marker = try await directory.createRoom(rid("marker"), settings: RoomSettings(), origin: .rest)
        #expect(try await recorder.events(before: .roomCreated(marker)) == [])
    }

    @Test("setChatMuted changes the flag, emits chatMuteChanged once per change")
    func chatMute() async throws {
        let directory = try await Self.populated()
        let recorder = EventRecorder(directory.events())
        let by = Moderator.user(uid("p"))
        #expect(try await directory.setChatMuted(rid("r"), uid("a"), muted: true, by: by).chatMuted)
        #expect(try await directory.setChatMuted(rid("r"), uid("a"), muted: true, by: by).chatMuted)
        #expect(await directory.room(rid("r"))?.participant(uid("a"))?.chatMuted == true)
        #expect(try await directory.setChatMuted(rid("r"), uid("a"), muted: false, by: .rest).chatMuted == false)
        #expect(
            try await recorder.events(atLeast: 2) == [
                .chatMuteChanged(rid("r"), uid("a"), muted: true, by: by),
                .chatMuteChanged(rid("r"), uid("a"), muted: false, by: .rest),
            ])
    }

    @Test("lock refuses new joins, unlock admits them; repeated lock/unlock emit nothing")
    func lockUnlock() async throws {
        let directory = try await Self.populated()
        let recorder = EventRecorder(directory.events())
        let by = Moderator.user(uid("p"))
        #expect(try await directory.lock(rid("r"), by: by).locked)
        #expect(try await directory.lock(rid("r"), by: by).locked)
        #expect(await directory.stats().lockedRooms == 1)
        await #expect(throws: RoomError.roomLocked) { try await directory.join(rid("r"), request("late")) }
        #expect(try await directory.unlock(rid("r"), by: by).locked == false)
        _ = try await directory.unlock(rid("r"), by: by)
        let late = try await directory.join(rid("r"), request("late"))
        #expect(
            try await recorder.events(atLeast: 3) == [
                .locked(rid("r"), by: by), .unlocked(rid("r"), by: by), .participantJoined(rid("r"), late),
            ])
    }

    @Test("setRole promotes a participant, who may then moderate")
    func setRole() async throws {
        let directory = try await Self.populated()
        let recorder = EventRecorder(directory.events())
        let promoted = try await directory.setRole(rid("r"), uid("a"), role: .presenter, by: .user(uid("p")))
        #expect(promoted.isPresenter)
        _ = try await directory.kick(rid("r"), uid("b"), by: .user(uid("a")))
        let events = try await recorder.events(atLeast: 2)
        #expect(events.first == .participantUpdated(rid("r"), promoted))
    }

    @Test("updateMedia changes the flags and emits participantUpdated only on a change")
    func updateMedia() async throws {
        let directory = try await Self.populated()
        let recorder = EventRecorder(directory.events())
        let updated = try await directory.updateMedia(rid("r"), uid("b")) {
            $0.video = true; $0.hand = true
        }
        #expect(updated.media == MediaFlags(audio: true, video: true, hand: true))
        _ = try await directory.updateMedia(rid("r"), uid("b")) { $0.video = true }
        await #expect(throws: RoomError.participantNotFound) {
            try await directory.updateMedia(rid("r"), uid("ghost")) { $0.audio = false }
        }
        await #expect(throws: RoomError.roomNotFound) {
            try await directory.updateMedia(rid("none"), uid("b")) { $0.audio = false }
        }
        #expect(await directory.room(rid("r"))?.participant(uid("b"))?.media.screen == false)
        let marker = try await directory.createRoom(rid("marker"), settings: RoomSettings(), origin: .rest)
        #expect(try await recorder.events(before: .roomCreated(marker)) == [.participantUpdated(rid("r"), updated)])
    }
}
