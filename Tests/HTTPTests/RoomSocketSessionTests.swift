import Fixtures
import Foundation
import ParleyRooms
import Testing
@testable import ParleyHTTP

@Suite("Room WebSocket sessions against the registry")
struct RoomSocketSessionTests {
    @Test("chat reaches everyone in one order with an ack for the sender; a muted sender is refused")
    func chat() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let alice = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "alice")
        let bob = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "bob")
        #expect(try await alice.next("joined")?.data["session_token"] as? String != nil)
        #expect(try await bob.next("joined") != nil)
        #expect(try await alice.next("userjoin")?.data["user_id"] as? String == "bob")

        await alice.send(#"{"action":"chat","id":1,"text":"one"}"#)
        await bob.send(#"{"action":"chat","text":"two"}"#)
        for probe in [alice, bob] {
            let first = try await probe.next("msg")?.data
            let second = try await probe.next("msg")?.data
            #expect(first?["text"] as? String == "one" && first?["seq"] as? Int == 1)
            #expect(second?["text"] as? String == "two" && second?["seq"] as? Int == 2)
        }
        let ack = try await alice.next("ack")
        #expect(ack?["reply_to"] as? Int == 1)

        _ = try await rooms.setChatMuted(try #require(RoomID("r")), bob.user, muted: true, by: .api("test"))
        #expect(try await bob.next("control")?.data["muted"] as? Bool == true)
        await bob.send(#"{"action":"chat","id":"m","text":"muted?"}"#)
        let refusal = try await bob.next("error")
        #expect(refusal?.data["code"] as? String == "chat_muted" && refusal?["reply_to"] as? String == "m")
    }

    @Test("a REST kick reaches the target as control kick before its close item, and others see userleave")
    func kick() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let alice = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "alice")
        let bob = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "bob")
        _ = try await rooms.kick(try #require(RoomID("r")), bob.user, by: .api("meeting-api"))
        _ = try await bob.next("joined")
        let control = try await bob.next("control")
        #expect(control?.data["action"] as? String == "kick" && control?.data["by"] as? String == "api:meeting-api")
        #expect(try await bob.closeItem() == .close(.kicked, reason: "kicked"))
        let leave = try await alice.next("userleave")?.data
        #expect(leave?["user_id"] as? String == "bob" && leave?["reason"] as? String == "kicked")
    }

    @Test("a participant may not moderate; a presenter locks and ends, and everyone hears it before 4101")
    func moderation() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let host = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "host")
        let guest = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "guest")
        await guest.send(#"{"action":"lock","id":1}"#)
        #expect(try await guest.next("error")?.data["code"] as? String == "not_permitted")
        await guest.send(#"{"action":"agenda.set","id":2,"items":[]}"#)
        #expect(try await guest.next("error")?.data["code"] as? String == "not_permitted")
        await host.send(#"{"action":"lock"}"#)
        #expect(try await guest.next("locked")?.data["by"] as? String == "user:host")
        await host.send(#"{"action":"end"}"#)
        #expect(try await guest.next("ended") != nil)
        #expect(try await guest.closeItem() == .close(.roomEnded, reason: "ended"))
        #expect(await rooms.stats().rooms == 0)
    }

    @Test("registry stream events become publish/unpublish; joined lists live streams and the agenda")
    func streams() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let alice = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "alice")
        let room = try #require(RoomID("r"))
        let path = StreamPath(room: room, user: alice.user)
        _ = try await rooms.startStream(path, publisher: alice.user, room: nil, codecs: ["opus", "VP8"])
        let publish = try await alice.next("publish")?.data
        #expect(publish?["path"] as? String == "room/r/alice" && publish?["user_id"] as? String == "alice")
        #expect(publish?["codecs"] as? [String] == ["opus", "VP8"])
        let bob = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "bob")
        let joined = try await bob.next("joined")?.data
        #expect((joined?["streams"] as? [[String: Any]])?.first?["path"] as? String == "room/r/alice")
        #expect((joined?["agenda"] as? [String: Any])?["current"] as? Int == -1)
        _ = try await rooms.stopStream(path)
        let unpublish = try await bob.next("unpublish")?.data
        #expect(unpublish?["path"] as? String == "room/r/alice" && unpublish?["user_id"] as? String == "alice")
    }

    @Test("an oversize frame ends the session with message_too_large and 1009 and leaves the registry")
    func oversize() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let probe = try await SessionProbe.join(
            rooms, channels: channels, room: "r", user: "a",
            options: RoomSocketOptions(maxMessageBytes: 100))
        _ = try await probe.next("joined")
        await probe.send(#"{"action":"chat","text":""# + String(repeating: "x", count: 200) + #""}"#)
        #expect(try await probe.next("error")?.data["code"] as? String == "message_too_large")
        #expect(try await probe.closeItem() == .close(.messageTooLarge, reason: "message_too_large"))
        #expect(await rooms.stats().participants == 0)
    }

    @Test("the outbound queue refuses frames past its byte limit and reports the overflow once")
    func queueOverflow() async {
        let queue = OutboundQueue(limitBytes: 10)
        #expect(queue.send("12345"))
        #expect(queue.send("12345"))
        #expect(!queue.send("1"))
        #expect(queue.overflowed && queue.isClosed)
        var overflows = 0
        for await _ in queue.overflows { overflows += 1 }
        #expect(overflows == 1)
    }
}
