import Foundation
import Testing
@testable import ParleyRooms

@Suite("Identifiers")
struct IdentifierTests {
    static let good = [
        "a", "Room-1", "user.name", "under_score", "tilde~", "0", "A.b-C_d~E",
        String(repeating: "x", count: 64), "..", "-",
    ]
    static let bad = [
        "", String(repeating: "x", count: 65), "a/b", "/", "has space", " lead", "trail ",
        "caf\u{E9}", "\u{1F600}", "emoji\u{1F600}", "tab\t", "new\nline", "per%20cent", "q?x",
        "hash#", "at@", "plus+", "colon:", "\u{0}", "ｆｕｌｌwidth",
    ]

    @Test("room and user ids accept exactly [A-Za-z0-9._~-]{1,64}", arguments: good)
    func acceptsValid(raw: String) {
        #expect(RoomID(raw)?.rawValue == raw)
        #expect(UserID(raw)?.rawValue == raw)
        #expect(RoomID(raw)?.description == raw)
    }

    @Test("room and user ids refuse empty, 65 chars, slash, spaces, unicode and punctuation", arguments: bad)
    func refusesInvalid(raw: String) {
        #expect(RoomID(raw) == nil)
        #expect(UserID(raw) == nil)
    }

    @Test("ids encode as bare JSON strings and refuse invalid strings when decoding")
    func codable() throws {
        let data = try JSONEncoder().encode([rid("r-1")])
        #expect(String(decoding: data, as: UTF8.self) == #"["r-1"]"#)
        #expect(try JSONDecoder().decode([UserID].self, from: Data(#"["u.2"]"#.utf8)) == [uid("u.2")])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([RoomID].self, from: Data(#"["bad room"]"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([StreamPath].self, from: Data(#"["a//b"]"#.utf8))
        }
    }

    @Test(
        "stream paths are 1 to 8 valid segments",
        arguments: [
            "live", "live/cam1", "room/r1/u1", "a/b/c/d/e/f/g/h", "x.y/z~1", String(repeating: "s", count: 64) + "/t",
        ])
    func streamPathValid(raw: String) throws {
        let value = try #require(StreamPath(raw))
        #expect(value.rawValue == raw)
        #expect(value.segments.joined(separator: "/") == raw)
    }

    @Test(
        "stream paths refuse empty segments, 9 segments, dot segments and invalid characters",
        arguments: [
            "", "/", "/live", "live/", "a//b", "a/b/c/d/e/f/g/h/i", "a/../b", "./a", "..", "a b", "caf\u{E9}/x",
            String(repeating: "s", count: 65), "a/b?c",
        ])
    func streamPathInvalid(raw: String) {
        #expect(StreamPath(raw) == nil)
    }

    @Test("room/{room_id}/{user_id} is room-scoped; other shapes are not")
    func roomScoped() throws {
        let scoped = try #require(path("room/r1/alice").roomScoped)
        #expect(scoped.room == rid("r1"))
        #expect(scoped.user == uid("alice"))
        #expect(StreamPath(room: rid("r1"), user: uid("alice")) == path("room/r1/alice"))
        #expect(path("room/r1").roomScoped == nil)
        #expect(path("room/r1/alice/cam").roomScoped == nil)
        #expect(path("live/r1/alice").roomScoped == nil)
        #expect(path("Room/r1/alice").roomScoped == nil)
    }

    @Test("every error has a distinct stable snake_case code and a reason")
    func errorCodes() {
        let all: [RoomError] = [
            .invalidIdentifier, .invalidName, .invalidSettings, .roomNotFound,
            .roomAlreadyExists, .participantNotFound, .duplicateUser, .roomLocked, .roomFull,
            .wrongPassword, .streamAlreadyPublished, .streamNotFound, .notPermitted,
        ]
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(RoomError.roomLocked.code == "room_locked")
        #expect(RoomError.roomNotFound.code == "room_not_found")
        for error in all {
            #expect(error.code.allSatisfy { $0.isLowercase || $0 == "_" })
            #expect(!error.reason.isEmpty)
        }
    }

    @Test("presenter and host are moderators; participant is not")
    func roles() {
        #expect(Role.presenter.isModerator)
        #expect(Role.host.isModerator)
        #expect(!Role.participant.isModerator)
        let host = Participant(userID: uid("h"), name: "H", role: .host, joinedAt: fixedDate)
        #expect(host.isPresenter)
    }
}
