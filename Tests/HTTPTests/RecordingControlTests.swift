import Fixtures
import Foundation
import HTTPTypes
import ParleyHTTP
import ParleyRooms
import ParleyStore
import Synchronization
import Testing

@Suite("Recordings: start, stop, states, limits and recovery")
struct RecordingControlTests {
    static func publish(_ fixture: MeetingFixture, room: String, user: String) async throws {
        _ = try await fixture.rooms.join(
            meetingRoom(room), JoinRequest(userID: meetingUser(user)), createIfMissing: true)
        _ = try await fixture.rooms.startStream(
            StreamPath(room: meetingRoom(room), user: meetingUser(user)), publisher: meetingUser(user),
            room: meetingRoom(room), codecs: ["opus", "VP8"])
    }

    @Test("a room recording: 201 recording → stop 200 processing → ready with the file; ranges; delete removes it all")
    func roomRecording() async throws {
        let (fixture, captures) = try RecorderFixture.make()
        try await Self.publish(fixture, room: "r1", user: "ada")
        try await fixture.run { api in
            let started = try await api.post("/meeting/api/recordings", #"{"room_id":"r1"}"#)
            #expect(started.status == .created && started.code == 0, "\(started.status) \(started.text)")
            #expect(started.data["state"] as? String == "recording" && started.data["error"] is NSNull)
            let id = try #require(started.data["id"] as? String)
            #expect(captures.openPaths == ["room/r1/ada"])
            // A publication that starts while the room is recorded joins the recording.
            try await Self.publish(fixture, room: "r1", user: "bob")
            try await waitUntil { captures.openPaths == ["room/r1/ada", "room/r1/bob"] }
            #expect(try await api.post("/meeting/api/recordings", #"{"room_id":"r1"}"#).status == .conflict)
            #expect(try await api.get("/meeting/api/recordings/\(id)/download").status == .conflict)

            let stopped = try await api.post("/meeting/api/recordings/\(id)/stop", "")
            #expect(stopped.status == .ok && stopped.data["state"] as? String == "processing")
            #expect(captures.openPaths.isEmpty)
            await fixture.services.recorder.waitForProcessing(id)
            #expect(try await api.post("/meeting/api/recordings/\(id)/stop", "").status == .conflict)

            let item = try #require(try await api.get("/meeting/api/recordings").list("recordings").first)
            #expect(item["state"] as? String == "ready" && item["content_type"] as? String == "video/webm")
            #expect(item["size_bytes"] as? Int == 1000 && item["duration_seconds"] as? Double == 5)
            #expect(item["tracks"] as? [String] == ["opus", "VP8"] && item["format"] as? String == "webm")
            #expect((item["files"] as? [[String: Any]])?.count == 2)
            #expect((item["file_name"] as? String)?.hasPrefix("\(id)/room_r1_ada-") == true)
            #expect(item["stop_reason"] as? String == "stopped by api")

            let part = try await api.send(
                .get, "/meeting/api/recordings/\(id)/download", headers: [.range: "bytes=0-99"])
            #expect(part.status == .partialContent && part.body.readableBytes == 100)
            #expect(part.headers[.contentRange] == "bytes 0-99/1000")
            let beyond = try await api.send(
                .get, "/meeting/api/recordings/\(id)/download", headers: [.range: "bytes=5000-"])
            #expect(beyond.status == .rangeNotSatisfiable && beyond.headers[.contentRange] == "bytes */1000")

            #expect(try await api.send(.delete, "/meeting/api/recordings/\(id)").status == .ok)
            let folder = fixture.recordingsDirectory.appendingPathComponent(id)
            #expect(!FileManager.default.fileExists(atPath: folder.path))
            #expect(try await api.get("/meeting/api/recordings").data["total"] as? Int == 0)
        }
    }

    @Test("bad starts: both or neither field 400, unknown room 404, stream without publisher 404, disabled 403")
    func refusals() async throws {
        let (fixture, _) = try RecorderFixture.make()
        try await fixture.run { (api: MeetingClient) async throws in
            let empty = try await api.post("/meeting/api/recordings", "{}")
            #expect(empty.status == .badRequest, "\(empty.text)")
            #expect(
                try await api.post("/meeting/api/recordings", #"{"room_id":"a","stream_path":"live/x"}"#).status
                    == .badRequest)
            #expect(try await api.post("/meeting/api/recordings", #"{"room_id":"../x"}"#).status == .badRequest)
            #expect(try await api.post("/meeting/api/recordings", #"{"room_id":"nope"}"#).status == .notFound)
            #expect(try await api.post("/meeting/api/recordings", #"{"stream_path":"live/x"}"#).status == .notFound)
            #expect(try await api.post("/meeting/api/recordings/unknown/stop", "").status == .notFound)
            #expect(
                try await api.send(.post, "/meeting/api/recordings", json: #"{"room_id":"a"}"#, authorized: false)
                    .status == .unauthorized)
        }
        let (disabled, _) = try RecorderFixture.make { $0.recording.enabled = false }
        try await Self.publish(disabled, room: "r1", user: "ada")
        try await disabled.run { (api: MeetingClient) async throws in
            #expect(try await api.post("/meeting/api/recordings", #"{"room_id":"r1"}"#).status == .forbidden)
        }
    }

    @Test("a presenter's session token starts and stops its room's recording; a participant's is refused")
    func presenterToken() async throws {
        let (fixture, _) = try RecorderFixture.make()
        let presenter = try await fixture.rooms.join(
            meetingRoom("r1"), JoinRequest(userID: meetingUser("host"), asPresenter: true), createIfMissing: true)
        let guest = try await fixture.rooms.join(
            meetingRoom("r1"), JoinRequest(userID: meetingUser("guest")), createIfMissing: false)
        let tokens = RoomSessionTokens(secret: MeetingFixture.authSecret)
        let hostToken = tokens.issue(for: presenter, in: meetingRoom("r1"))
        let guestToken = tokens.issue(for: guest, in: meetingRoom("r1"))
        try await fixture.run { api in
            func post(_ uri: String, _ body: String, _ token: String) async throws -> MeetingResponse {
                try await api.send(
                    .post, uri, json: body, headers: [.authorization: "Bearer \(token)"], authorized: false)
            }
            #expect(try await post("/meeting/api/recordings", #"{"room_id":"r1"}"#, guestToken).status == .forbidden)
            #expect(try await post("/meeting/api/recordings", #"{"room_id":"r2"}"#, hostToken).status == .forbidden)
            let started = try await post("/meeting/api/recordings", #"{"room_id":"r1"}"#, hostToken)
            #expect(started.status == .created && started.data["started_by"] as? String == "host")
            let id = try #require(started.data["id"] as? String)
            // Other admin routes still want the JWT.
            let listing = try await api.send(
                .get, "/meeting/api/recordings", headers: [.authorization: "Bearer \(hostToken)"], authorized: false)
            #expect(listing.status == .unauthorized)
            let stopped = try await post("/meeting/api/recordings/\(id)/stop", "", hostToken)
            #expect(stopped.status == .ok)
            await fixture.services.recorder.waitForProcessing(id)
            // Nothing was published: failed, with the reason.
            let row = try #require(try await api.get("/meeting/api/recordings").list("recordings").first)
            #expect(row["state"] as? String == "failed")
            #expect(row["error"] as? String == "nothing was published while recording")
        }
    }

    @Test("a stream path recording ends with its publication; a capture the processor cannot read fails the row")
    func streamRecording() async throws {
        let (fixture, captures) = try RecorderFixture.make()
        _ = try await fixture.rooms.startStream(
            try #require(StreamPath("live/silent")), publisher: nil, room: nil, codecs: ["opus"])
        let recorder = fixture.services.recorder
        let record = try await recorder.start(.stream(try #require(StreamPath("live/silent"))), by: "api")
        #expect(record.streamPath == "live/silent" && record.roomID == "" && record.number != nil)
        _ = try await fixture.rooms.stopStream(try #require(StreamPath("live/silent")))
        try await waitUntil { captures.openPaths.isEmpty }
        try await waitUntil { await recorder.running(id: record.id) == nil }
        await recorder.waitForProcessing(record.id)
        let row = try #require(try MeetingStore(database: fixture.services.database).recording(record.id))
        #expect(row.state == "failed" && row.stopReason == "the publication ended")
        #expect(row.error?.contains("live/silent: the capture holds no complete") == true)
    }

    @Test("record_on_start starts at the first join; the meeting's end finalises; announcements name who")
    func templateAndEnd() async throws {
        let (fixture, captures) = try RecorderFixture.make()
        let recorder = fixture.services.recorder
        let heard = Mutex<[String]>([])
        recorder.onAnnouncement { a in heard.withLock { $0.append("\(a.roomID) \(a.state) \(a.by)") } }
        await recorder.followRooms()
        _ = try await fixture.rooms.createRoom(
            meetingRoom("board"), settings: RoomSettings(recordOnStart: true), origin: .rest)
        try await Self.publish(fixture, room: "board", user: "ada")
        try await waitUntil { captures.openPaths == ["room/board/ada"] }
        let running = try #require(await recorder.running(.room(meetingRoom("board"))))
        #expect(running.startedBy == "template")
        _ = try await fixture.rooms.end(meetingRoom("board"), by: .api("test"))
        try await waitUntil { await recorder.running(id: running.id) == nil }
        await recorder.waitForProcessing(running.id)
        let row = try #require(try MeetingStore(database: fixture.services.database).recording(running.id))
        #expect(row.state == "ready" && row.stopReason == "the meeting ended" && row.userID == "ada")
        #expect(heard.withLock { $0 } == ["board recording template", "board processing server", "board ready server"])
    }

    @Test("max_duration and max_bytes stop a recording, which stays ready with the reason; retention prunes")
    func limits() async throws {
        let clock = ManualClock(now: Date())
        let (fixture, _) = try RecorderFixture.make(clock: clock) {
            $0.recording.maxDuration = "10s"
            $0.recording.retention = "1d"
        }
        try await Self.publish(fixture, room: "r1", user: "ada")
        let recorder = fixture.services.recorder
        let record = try await recorder.start(.room(meetingRoom("r1")), by: "api")
        #expect(await recorder.enforceLimits().isEmpty)
        clock.advance(seconds: 10)
        #expect(await recorder.enforceLimits() == [record.id])
        await recorder.waitForProcessing(record.id)
        let store = MeetingStore(database: fixture.services.database)
        let row = try #require(try store.recording(record.id))
        #expect(row.state == "ready" && row.stopReason == "recording.max_duration (10s) reached")
        clock.advance(seconds: 86_401)
        #expect(await recorder.pruneExpired() == 1)
        #expect(try store.recording(record.id) == nil)

        let (small, _) = try RecorderFixture.make { $0.recording.maxBytes = "1024" }
        try await Self.publish(small, room: "r1", user: "ada")
        let big = try await small.services.recorder.start(.room(meetingRoom("r1")), by: "api")
        // The fake capture wrote 64 bytes: under the limit until the pcap grows past it.
        #expect(await small.services.recorder.enforceLimits().isEmpty)
        let pcap = try #require(
            try FileManager.default.contentsOfDirectory(
                atPath: small.recordingsDirectory.appendingPathComponent(big.id).path
            ).first { $0.hasSuffix(".pcap") })
        try Data(count: 2048).write(
            to: small.recordingsDirectory.appendingPathComponent(big.id).appendingPathComponent(pcap))
        #expect(await small.services.recorder.enforceLimits() == [big.id])
    }

    @Test("after a crash, rows left recording are post-processed from their raw captures or failed with the reason")
    func recovery() async throws {
        let directory = try MeetingFixture.temporaryDirectory()
        let database = try ParleyDatabase.open(directory: directory, logger: .init(label: "test"))
        let (first, _) = try RecorderFixture.make(dataDirectory: directory, database: database)
        try await Self.publish(first, room: "r1", user: "ada")
        let kept = try await first.services.recorder.start(.room(meetingRoom("r1")), by: "api")
        await #expect(throws: RecorderError.roomNotFound("r9")) {
            try await first.services.recorder.start(.room(meetingRoom("r9")), by: "api")
        }
        _ = try await first.rooms.createRoom(meetingRoom("r2"), settings: RoomSettings(), origin: .rest)
        let nothing = try await first.services.recorder.start(.room(meetingRoom("r2")), by: "api")
        // "Crash": a new recorder over the same data dir, the first never stopped.
        let (second, _) = try RecorderFixture.make(dataDirectory: directory, database: database)
        #expect(await second.services.recorder.recoverInterrupted() == 2)
        await second.services.recorder.waitForProcessing(kept.id)
        await second.services.recorder.waitForProcessing(nothing.id)
        let store = MeetingStore(database: database)
        let ready = try #require(try store.recording(kept.id))
        #expect(ready.state == "ready" && ready.sizeBytes == 1000)
        #expect(ready.stopReason == "the server stopped while recording (recovered at start-up)")
        let failed = try #require(try store.recording(nothing.id))
        #expect(failed.state == "failed")
        #expect(failed.error == "the server stopped while recording; nothing was published while recording")
        #expect(await second.services.recorder.recoverInterrupted() == 0)
    }
}

/// Polls `condition` every 20 ms for up to 10 s (generous: a loaded machine).
func waitUntil(_ condition: @escaping @Sendable () async -> Bool) async throws {
    for _ in 0..<500 {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within 10 s")
}
