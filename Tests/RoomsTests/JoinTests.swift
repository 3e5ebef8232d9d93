import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Join")
struct JoinTests {
    @Test("a join records the participant's fields and emits participantJoined with them")
    func joinRecordsFields() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
        let recorder = EventRecorder(directory.events())
        let result = try await directory.joinRoom(rid("r"), request("alice"), createIfMissing: false)
        let alice = result.participant
        #expect(alice.userID == uid("alice"))
        #expect(alice.name == "Name alice")
        #expect(alice.os == "Linux 6" && alice.browser == "Firefox 140")
        #expect(alice.media == MediaFlags(audio: true))
        #expect(alice.joinedAt == fixedDate)
        #expect(!result.createdRoom)
        #expect(result.room.participants == [alice])
        #expect(try await recorder.events(atLeast: 1) == [.participantJoined(rid("r"), alice)])
    }

    @Test("the name defaults to the user id and os/browser to empty strings")
    func defaults() async throws {
        let directory = makeDirectory()
        let bob = try await directory.join(rid("r"), JoinRequest(userID: uid("bob")), createIfMissing: true)
        #expect(bob.name == "bob")
        #expect(bob.os == "" && bob.browser == "")
        #expect(bob.media == MediaFlags())
    }

    @Test("display names keep unicode, emoji sequences and inner spaces")
    func unicodeNames() async throws {
        let directory = makeDirectory()
        for (index, name) in ["Zoë Ångström", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} family", "李 小龙"].enumerated()
        {
            let joined = try await directory.join(
                rid("r"), JoinRequest(userID: uid("u\(index)"), name: name),
                createIfMissing: true)
            #expect(joined.name == name)
        }
    }

    @Test("the first joiner of an empty room is presenter; later ones are not; asPresenter always is")
    func presenterRules() async throws {
        let directory = makeDirectory()
        let first = try await directory.join(rid("adhoc"), request("a"), createIfMissing: true)
        let second = try await directory.join(rid("adhoc"), request("b"))
        let token = try await directory.join(rid("adhoc"), request("c", asPresenter: true))
        #expect(first.role == .presenter && first.isPresenter)
        #expect(second.role == .participant && !second.isPresenter)
        #expect(token.role == .presenter)

        // A REST room's presenters come from credentials: its first joiner holds nothing, even after it empties.
        _ = try await directory.createRoom(rid("rest"), settings: RoomSettings(), origin: .rest)
        #expect(try await directory.join(rid("rest"), request("a")).role == .participant)
        _ = try await directory.leave(rid("rest"), uid("a"), reason: .left)
        #expect(try await directory.join(rid("rest"), request("b")).role == .participant)
        #expect(try await directory.join(rid("rest"), request("c", asPresenter: true)).role == .presenter)
    }

    @Test("with firstIsPresenter off the first joiner is a plain participant")
    func firstIsPresenterOff() async throws {
        let directory = makeDirectory(policy: RoomPolicy(firstIsPresenter: false))
        #expect(try await directory.join(rid("r"), request("a"), createIfMissing: true).role == .participant)
        #expect(try await directory.join(rid("r"), request("p", asPresenter: true)).role == .presenter)
    }

    @Test("bypassRestrictions joins as host, ignoring lock and password")
    func hostBypass() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(password: "pw"), origin: .rest)
        try await directory.join(rid("r"), request("a", password: "pw"))
        _ = try await directory.lock(rid("r"), by: .rest)
        let host = try await directory.join(rid("r"), request("h", bypass: true))
        #expect(host.role == .host)
        #expect(host.isPresenter)
    }

    @Test("chatMutedOnJoin mutes new participants but not moderators")
    func chatMutedOnJoin() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(chatMutedOnJoin: true), origin: .rest)
        #expect(try await directory.join(rid("r"), request("first", asPresenter: true)).chatMuted == false)
        #expect(try await directory.join(rid("r"), request("second")).chatMuted == true)
        #expect(try await directory.join(rid("r"), request("host", bypass: true)).chatMuted == false)
    }

    @Test(
        "each refusal throws its error",
        arguments: [
            (RoomError.roomNotFound, "missing"), (.invalidName, "blank"), (.invalidName, "control"),
            (.invalidName, "long"), (.wrongPassword, "nopw"), (.wrongPassword, "badpw"), (.roomLocked, "locked"),
            (.roomFull, "full"), (.duplicateUser, "dup"),
        ])
    func refusals(expected: RoomError, scenario: String) async throws {
        let (directory, room, attempt) = try await Self.scenario(scenario)
        await #expect(throws: expected) { try await directory.joinRoom(room, attempt, createIfMissing: false) }
    }

    @Test(
        "a refused join changes no stats, room or participant and emits no event",
        arguments: [
            "missing", "blank", "wrongpw-locked-full-dup", "locked-full-dup", "full-dup", "dup", "zerocap-adhoc",
        ])
    func refusalHasNoEffect(scenario: String) async throws {
        let (directory, room, attempt) = try await Self.scenario(scenario)
        let stats = await directory.stats()
        let rooms = await directory.rooms()
        let recorder = EventRecorder(directory.events())
        await #expect(throws: RoomError.self) {
            try await directory.joinRoom(room, attempt, createIfMissing: scenario == "zerocap-adhoc")
        }
        #expect(await directory.stats() == stats)
        #expect(await directory.rooms() == rooms)
        let marker = try await directory.createRoom(rid("marker"), settings: RoomSettings(), origin: .rest)
        #expect(try await recorder.events(before: .roomCreated(marker)) == [])
    }

    @Test("refusals are checked in order: invalid, wrong password, locked, full, duplicate")
    func refusalOrder() async throws {
        // Each scenario breaks every later rule too; the earliest rule must win.
        let cases: [(String, RoomError)] = [
            ("blank-everything", .invalidName),
            (
                "wrongpw-locked-full-dup",
                .wrongPassword
            ), ("locked-full-dup", .roomLocked), ("full-dup", .roomFull), ("dup", .duplicateUser),
        ]
        for (name, expected) in cases {
            let (directory, room, attempt) = try await Self.scenario(name)
            await #expect(throws: expected, "scenario \(name)") {
                try await directory.joinRoom(room, attempt, createIfMissing: false)
            }
        }
    }

    @Test("the capacity comes from settings, else the policy default")
    func capacity() async throws {
        let directory = makeDirectory(policy: RoomPolicy(defaultMaxParticipants: 2))
        try await directory.join(rid("r"), request("a"), createIfMissing: true)
        try await directory.join(rid("r"), request("b"))
        await #expect(throws: RoomError.roomFull) { try await directory.join(rid("r"), request("c")) }
        _ = try await directory.updateSettings(rid("r"), RoomSettings(maxParticipants: 3))
        try await directory.join(rid("r"), request("c"))
        #expect(await directory.room(rid("r"))?.participants.count == 3)
    }

    /// Builds a directory and a join attempt that fails for the named reason(s).
    static func scenario(_ name: String) async throws -> (InMemoryRoomDirectory, RoomID, JoinRequest) {
        if name == "zerocap-adhoc" {
            return (makeDirectory(policy: RoomPolicy(defaultMaxParticipants: 0)), rid("new"), request("a"))
        }
        let directory = makeDirectory()
        let room = rid("r")
        let password: String? = name.contains("pw") || name.contains("everything") ? "pw" : nil
        let full = name.contains("full") || name.contains("everything")
        _ = try await directory.createRoom(
            room,
            settings: RoomSettings(
                password: password,
                maxParticipants: full ? 1 : nil),
            origin: .rest)
        try await directory.join(room, request("taken", password: password))
        if name.contains("locked") || name.contains("everything") { _ = try await directory.lock(room, by: .rest) }
        switch name {
        case "missing": return (directory, rid("missing"), request("a"))
        case "blank", "blank-everything":
            return (
                directory, room,
                JoinRequest(userID: uid("taken"), name: "   ", password: "bad")
            )
        case "control": return (directory, room, JoinRequest(userID: uid("a"), name: "bad\u{7}name"))
        case "long":
            return (
                directory, room,
                JoinRequest(userID: uid("a"), name: String(repeating: "n", count: 257))
            )
        case "nopw": return (directory, room, request("a"))
        case "badpw", "wrongpw-locked-full-dup": return (directory, room, request("taken", password: "nope"))
        case "locked": return (directory, room, request("a"))
        case "full": return (directory, room, request("a"))
        default: return (directory, room, request("taken", password: password)) // locked-full-dup, full-dup, dup
        }
    }
}
