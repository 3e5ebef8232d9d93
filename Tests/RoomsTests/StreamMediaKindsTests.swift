import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Stream media kinds")
struct StreamMediaKindsTests {
    /// A participant whose own flags start all false (the test request announces audio).
    func joinQuiet(_ directory: InMemoryRoomDirectory, _ user: String) async throws {
        try await directory.join(
            rid("r"), JoinRequest(userID: uid(user), name: "N \(user)"), createIfMissing: true)
    }

    func media(_ directory: InMemoryRoomDirectory, _ user: String) async -> MediaFlags? {
        await directory.room(rid("r"))?.participant(uid(user))?.media
    }

    @Test("a publication raises its publisher's flags and its end lowers them, with participantUpdated")
    func flagsFollowPublication() async throws {
        let directory = makeDirectory()
        try await joinQuiet(directory, "alice")
        let recorder = EventRecorder(directory.events())
        let started = try await directory.startStream(
            path("room/r/alice"), publisher: nil, room: nil, codecs: ["opus", "VP8"], kinds: [.audio, .video])
        #expect(started.publisher == uid("alice"), "a room path is its user's while the user is in the room")
        #expect(await media(directory, "alice") == MediaFlags(audio: true, video: true))
        let stopped = try await directory.stopStream(path("room/r/alice"))
        #expect(await media(directory, "alice") == MediaFlags())
        let events = try await recorder.events(atLeast: 4)
        #expect(events.first == .streamStarted(started))
        #expect(events.contains(.streamStopped(stopped)))
        let updates = events.compactMap { event -> MediaFlags? in
            if case .participantUpdated(_, let participant) = event { return participant.media }
            return nil
        }
        #expect(updates == [MediaFlags(audio: true, video: true), MediaFlags()])
    }

    @Test("the screen-share path reports screen; ending it keeps the camera's video and the other's audio")
    func screenShare() async throws {
        let directory = makeDirectory()
        try await joinQuiet(directory, "alice")
        let screenPath = path("room/r/alice/screen")
        #expect(screenPath.isScreenShare)
        #expect(!path("room/r/alice").isScreenShare)
        #expect(!path("live/r/alice/screen").isScreenShare)
        let kinds = MediaKinds.publication(audio: false, video: true, on: screenPath)
        #expect(kinds == .screen)
        _ = try await directory.startStream(
            path("room/r/alice"), publisher: uid("alice"), room: nil, codecs: ["opus", "VP8"],
            kinds: [.audio, .video])
        let screen = try await directory.startStream(
            screenPath, publisher: nil, room: nil, codecs: ["VP8"], kinds: kinds)
        #expect(screen.publisher == uid("alice"))
        #expect(screen.roomID == rid("r"))
        #expect(await media(directory, "alice") == MediaFlags(audio: true, video: true, screen: true))
        _ = try await directory.stopStream(screenPath)
        #expect(await media(directory, "alice") == MediaFlags(audio: true, video: true))
        _ = try await directory.stopStream(path("room/r/alice"))
        #expect(await media(directory, "alice") == MediaFlags())
    }

    @Test("audio stays up while another live publication of the same participant still sends it")
    func overlappingKinds() async throws {
        let directory = makeDirectory()
        try await joinQuiet(directory, "alice")
        _ = try await directory.startStream(
            path("room/r/alice"), publisher: nil, room: nil, codecs: ["opus"], kinds: .audio)
        _ = try await directory.startStream(
            path("room/r/alice/screen"), publisher: nil, room: nil, codecs: ["opus", "VP8"],
            kinds: [.audio, .screen])
        _ = try await directory.stopStream(path("room/r/alice/screen"))
        #expect(await media(directory, "alice") == MediaFlags(audio: true))
    }

    @Test("an admin's publication of an absent user's path has no publisher and changes no one's flags")
    func absentUser() async throws {
        let directory = makeDirectory()
        try await joinQuiet(directory, "alice")
        let info = try await directory.startStream(
            path("room/r/bob"), publisher: nil, room: nil, codecs: ["opus"], kinds: .audio)
        #expect(info.publisher == nil)
        #expect(await media(directory, "alice") == MediaFlags())
        #expect(MediaKinds([.audio, .video, .screen]).names == ["audio", "video", "screen"])
        #expect(path("room/r/bob/cam").roomScoped == nil)
    }
}
