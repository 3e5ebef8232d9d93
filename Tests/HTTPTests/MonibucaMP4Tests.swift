import Foundation
import HTTPTypes
import ParleyHTTP
import ParleyRooms
import Testing

@Suite("Monibuca /mp4 routes over the recorder")
struct MonibucaMP4Tests {
    @Test("V6 start/stop, v5 list and download of the same recording; v5 start/stop shapes; other routes 501")
    func mp4Routes() async throws {
        let (fixture, _) = try RecorderFixture.make()
        _ = try await fixture.rooms.startStream(
            try #require(StreamPath("live/cam1")), publisher: nil, room: nil, codecs: ["H264", "opus"])
        try await fixture.run { api in
            let started = try await api.send(.post, "/mp4/start/live/cam1")
            #expect(started.status == .ok && started.json?["status"] as? String == "started")
            #expect(started.json?["stream"] as? String == "live/cam1")
            let id = try #require(started.json?["recording_id"] as? String)
            let again = try await api.send(.post, "/mp4/start/live/cam1")
            #expect(again.json?["status"] as? String == "already_recording")
            let v5Again = try await api.send(.post, "/mp4/api/start/live/cam1")
            #expect(v5Again.status == .internalServerError && v5Again.message == "record exists")
            #expect(try await api.send(.get, "/mp4/api/list/live/cam1").json?["total"] as? Int == 0)

            let stopped = try await api.send(.post, "/mp4/stop/live/cam1")
            #expect(stopped.json?["status"] as? String == "stopped" && stopped.json?["recording_id"] as? String == id)
            await fixture.services.recorder.waitForProcessing(id)
            #expect(try await api.send(.post, "/mp4/stop/live/cam1").json?["status"] as? String == "not_recording")

            let list = try await api.send(.get, "/mp4/api/list/live/cam1")
            #expect(list.status == .ok && list.code == 0 && list.json?["total"] as? Int == 1)
            #expect(list.json?["pageNum"] as? Int == 1 && list.json?["pageSize"] as? Int == 10)
            let file = try #require((list.json?["data"] as? [[String: Any]])?.first)
            #expect(file["streamPath"] as? String == "live/cam1" && file["id"] as? Int == 1)
            #expect((file["filePath"] as? String)?.hasSuffix(".webm") == true && file["endTime"] is String)
            #expect(try await api.send(.get, "/mp4/api/list/live/*").json?["total"] as? Int == 1)
            #expect(try await api.send(.get, "/mp4/api/list/other/x").json?["total"] as? Int == 0)

            let whole = try await api.send(.get, "/mp4/download/live/cam1.mp4")
            #expect(whole.status == .ok && whole.body.readableBytes == 1000)
            #expect(whole.headers[.contentType] == "video/webm")
            #expect(whole.headers[.contentDisposition] == #"attachment; filename="live_cam1_1.webm""#)
            let part = try await api.send(
                .get, "/mp4/download/live/cam1.mp4?id=1", headers: [.range: "bytes=10-19"])
            #expect(part.status == .partialContent && part.headers[.contentRange] == "bytes 10-19/1000")
            #expect(try await api.send(.get, "/mp4/download/live/cam1.mp4?id=7").status == .notFound)
            #expect(try await api.send(.get, "/mp4/download/live/none.mp4").status == .notFound)

            let v5 = try await api.send(.post, "/mp4/api/start/live/cam1")
            #expect(v5.status == .ok && v5.code == 0 && v5.json?["data"] as? String == "2")
            let v5Stop = try await api.send(.post, "/mp4/api/stop/live/cam1")
            #expect(v5Stop.json?["data"] as? String == "2")
            #expect(try await api.send(.post, "/mp4/api/stop/live/cam1").json?["data"] as? String == "0")
            let missing = try await api.send(.post, "/mp4/api/start/live/absent")
            #expect(missing.status == .internalServerError && missing.message == "not found")

            #expect(try await api.send(.get, "/mp4/live/cam1.mp4").status == .notImplemented)
            #expect(try await api.send(.get, "/mp4/api/list/live/cam1", authorized: false).status == .unauthorized)
        }
    }
}
