import Foundation
import HTTPTypes
import ParleyHTTP
import Testing

@Suite("Meeting REST: recordings")
struct MeetingRecordingsTests {
    /// Writes `<data_dir>/recordings/{room}/{file}` with `bytes`.
    static func write(_ fixture: MeetingFixture, room: String, file: String, bytes: [UInt8]) throws {
        let directory = fixture.recordingsDirectory.appendingPathComponent(room)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: directory.appendingPathComponent(file))
    }

    @Test("the catalogue lists files under recordings/, filters by room, and drops files that vanished")
    func catalogue() async throws {
        let fixture = try MeetingFixture.make()
        try Self.write(fixture, room: "r1", file: "a.mp4", bytes: Array(repeating: 1, count: 10))
        try Self.write(fixture, room: "r2", file: "b.webm", bytes: [1, 2, 3])
        try Self.write(fixture, room: "r2", file: ".partial.webm", bytes: [1])
        try await fixture.run { api in
            #expect(try await api.get("/meeting/api/recordings").data["total"] as? Int == 2)
            let r1 = try await api.get("/meeting/api/recordings?room_id=r1")
            let item = try #require(r1.list("recordings").first)
            #expect(r1.data["total"] as? Int == 1)
            #expect(item["file_name"] as? String == "r1/a.mp4" && item["size_bytes"] as? Int == 10)
            #expect(item["content_type"] as? String == "video/mp4")
            let id = try #require(item["id"] as? String)
            // Ids stay stable across listings.
            #expect(
                try await api.get("/meeting/api/recordings?room_id=r1").list("recordings").first?["id"] as? String == id
            )
            try FileManager.default.removeItem(at: fixture.recordingsDirectory.appendingPathComponent("r2/b.webm"))
            #expect(try await api.get("/meeting/api/recordings").data["total"] as? Int == 1)
        }
    }

    @Test("play gives a URL for a known recording and 404 otherwise; download serves the file with ranges")
    func playAndDownload() async throws {
        let fixture = try MeetingFixture.make()
        let bytes = (0..<100).map { UInt8($0) }
        try Self.write(fixture, room: "r1", file: "talk.mp4", bytes: bytes)
        try await fixture.run { api in
            let id = try #require(
                try await api.get("/meeting/api/recordings").list("recordings").first?["id"] as? String)
            let play = try await api.get("/meeting/api/recordings/\(id)/play")
            #expect(play.status == .ok)
            let url = try #require(play.data["url"] as? String)
            #expect(url.hasPrefix("/meeting/api/recordings/\(id)/download?disposition=inline&play_token="))
            // The play URL works without the JWT (a <video> element sends none); a forged token does not.
            let played = try await api.send(.get, url, authorized: false)
            #expect(played.status == .ok && Array(played.body.readableBytesView) == bytes)
            let forged = try await api.send(
                .get, "/meeting/api/recordings/\(id)/download?play_token=99999999999.AAAA", authorized: false)
            #expect(forged.status == .unauthorized)
            #expect(
                try await api.send(.get, "/meeting/api/recordings/\(id)/download", authorized: false).status
                    == .unauthorized)
            #expect(try await api.get("/meeting/api/recordings/unknown/play").status == .notFound)
            #expect(try await api.get("/meeting/api/recordings/unknown/download").status == .notFound)

            let whole = try await api.get("/meeting/api/recordings/\(id)/download")
            #expect(whole.status == .ok && Array(whole.body.readableBytesView) == bytes)
            #expect(whole.headers[.contentDisposition] == #"attachment; filename="talk.mp4""#)
            #expect(whole.headers[.acceptRanges] == "bytes" && whole.headers[.contentType] == "video/mp4")
            let inline = try await api.get("/meeting/api/recordings/\(id)/download?disposition=inline")
            #expect(inline.headers[.contentDisposition]?.hasPrefix("inline") == true)

            for (range, expected) in [
                ("bytes=10-19", 10...19), ("bytes=90-", 90...99), ("bytes=-5", 95...99),
                ("bytes=95-500", 95...99),
            ] {
                let part = try await api.send(.get, "/meeting/api/recordings/\(id)/download", headers: [.range: range])
                #expect(part.status == .partialContent, "\(range)")
                #expect(Array(part.body.readableBytesView) == Array(bytes[expected]), "\(range)")
                #expect(part.headers[.contentRange] == "bytes \(expected.lowerBound)-\(expected.upperBound)/100")
            }
            let beyond = try await api.send(
                .get, "/meeting/api/recordings/\(id)/download", headers: [.range: "bytes=100-"])
            #expect(beyond.status == .rangeNotSatisfiable && beyond.headers[.contentRange] == "bytes */100")
            let several = try await api.send(
                .get, "/meeting/api/recordings/\(id)/download",
                headers: [.range: "bytes=0-1,5-6"])
            #expect(several.status == .ok && several.body.readableBytes == 100)
        }
    }

    @Test("delete removes the row and the file; a second delete is 404")
    func delete() async throws {
        let fixture = try MeetingFixture.make()
        try Self.write(fixture, room: "r1", file: "x.webm", bytes: [9, 9])
        try await fixture.run { api in
            let id = try #require(
                try await api.get("/meeting/api/recordings").list("recordings").first?["id"] as? String)
            let deleted = try await api.send(.delete, "/meeting/api/recordings/\(id)")
            #expect(deleted.status == .ok && deleted.data["id"] as? String == id)
            #expect(
                !FileManager.default.fileExists(
                    atPath: fixture.recordingsDirectory.appendingPathComponent("r1/x.webm").path))
            #expect(try await api.send(.delete, "/meeting/api/recordings/\(id)").status == .notFound)
            #expect(try await api.get("/meeting/api/recordings").data["total"] as? Int == 0)
            #expect(try await api.send(.delete, "/meeting/api/recordings/..%2F..").status == .badRequest)
        }
    }
}
