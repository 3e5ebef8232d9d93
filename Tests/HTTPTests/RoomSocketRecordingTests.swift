import Fixtures
import Foundation
import ParleyRooms
import Testing
@testable import ParleyHTTP

@Suite("Room socket: record.start and record.stop")
struct RoomSocketRecordingTests {
    @Test("a presenter starts and stops the room's recording; a participant gets not_permitted; errors name why")
    func presenterRecords() async throws {
        let (fixture, _) = try RecorderFixture.make()
        let recorder = fixture.services.recorder
        let channels = RoomChannels(clock: ManualClock())
        let host = try await SessionProbe.join(
            fixture.rooms, channels: channels, room: "rec", user: "host", asPresenter: true, recorder: recorder)
        let guest = try await SessionProbe.join(
            fixture.rooms, channels: channels, room: "rec", user: "guest", recorder: recorder)

        await guest.send(#"{"action":"record.start","id":1}"#)
        #expect(try await guest.next("error")?.data["code"] as? String == "not_permitted")
        #expect(await recorder.running(.room(RoomID("rec")!)) == nil)

        await host.send(#"{"action":"record.start","id":2}"#)
        #expect(try await host.next("ack")?["reply_to"] as? Int == 2)
        let running = try #require(await recorder.running(.room(RoomID("rec")!)))
        #expect(running.startedBy == "host")
        await host.send(#"{"action":"record.start","id":3}"#)
        #expect(try await host.next("error")?.data["code"] as? String == "already_recording")
        await host.send(#"{"action":"record.stop","id":4,"extra":1}"#)
        #expect(try await host.next("error")?.data["code"] as? String == "invalid_message")

        await host.send(#"{"action":"record.stop","id":5}"#)
        #expect(try await host.next("ack")?["reply_to"] as? Int == 5)
        await recorder.waitForProcessing(running.id)
        await host.send(#"{"action":"record.stop","id":6}"#)
        #expect(try await host.next("error")?.data["code"] as? String == "not_recording")
    }
}
