import Foundation
import ParleyRooms
import Testing

@testable import ParleyHTTP

@Suite("Room event frames: a registry event's frame is encoded once for all the room's sessions")
struct RoomEventFramesTests {
    final class Counter: @unchecked Sendable {
        var encodes = 0
    }

    static func joined(_ user: String) -> RoomEvent {
        .participantJoined(RoomID("r")!, Participant(userID: UserID(user)!, name: user, joinedAt: .distantPast))
    }

    static func frame(
        _ frames: RoomEventFrames, _ name: String, _ event: RoomEvent, _ counter: Counter
    ) -> RoomSocketFrame {
        frames.frame(name, for: event) {
            counter.encodes += 1
            return #"{"event":"\#(name)","n":\#(counter.encodes)}"#
        }
    }

    @Test("the same event and name reuse the first encoding; another event or name is encoded anew")
    func reuse() {
        let frames = RoomEventFrames()
        let counter = Counter()
        let first = Self.frame(frames, "userjoin", Self.joined("a"), counter)
        for _ in 0..<199 {
            #expect(Self.frame(frames, "userjoin", Self.joined("a"), counter).text == first.text)
        }
        #expect(counter.encodes == 1)
        _ = Self.frame(frames, "userjoin", Self.joined("b"), counter)
        _ = Self.frame(frames, "participant", Self.joined("a"), counter)
        #expect(counter.encodes == 3)
    }

    @Test("bounded: the oldest event is evicted first, and encoded again when asked for after")
    func bounded() {
        let frames = RoomEventFrames(capacity: 2)
        let counter = Counter()
        for user in ["a", "b", "c"] { _ = Self.frame(frames, "userjoin", Self.joined(user), counter) }
        #expect(frames.count == 2)
        _ = Self.frame(frames, "userjoin", Self.joined("c"), counter)
        #expect(counter.encodes == 3)
        let again = Self.frame(frames, "userjoin", Self.joined("a"), counter)
        #expect(counter.encodes == 4)
        #expect(again.text == #"{"event":"userjoin","n":4}"#)
        #expect(frames.count == 2)
    }
}
