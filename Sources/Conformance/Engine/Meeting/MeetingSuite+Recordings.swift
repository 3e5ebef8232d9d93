import Foundation

extension MeetingSuite {
    /// The first recording of the catalogue; SKIP when the target has none (the runner cannot make one over the API).
    static func someRecording(_ context: CaseContext) async throws(CaseStop) -> (id: String, size: Int) {
        let data = try await MeetingREST.data(context, "GET", "/recordings")
        for item in data["recordings"]?.arrayValue ?? [] {
            if let id = item["id"]?.stringValue, let size = item["size_bytes"]?.doubleValue, size >= 16 {
                return (id, Int(size))
            }
        }
        throw .skip("the target's recordings catalogue has no file of 16 bytes or more")
    }

    static func download(_ context: CaseContext, _ id: String, range: String?) async throws(CaseStop) -> HTTPResponse {
        try await MeetingREST.call(
            context, "GET", "/recordings/\(id)/download", headers: range.map { [HeaderField("Range", $0)] } ?? [])
    }

    static func recordingCases(_ documents: SpecDocuments) -> [ConformanceCase] {
        let ranges = SpecReference.rfc(9110, "14.2", "Range")
        return [
            meetingCase(
                "recordings/list-schema", "the recordings catalogue matches its schema",
                reference: operation("listRecordings"),
                requirement: "GET /recordings answers {total, recordings} with every documented field."
            ) { context in
                let body = try await envelope(context, "GET", "/recordings")
                try conforms(documents, "listRecordings", body)
                let total = body["data"]?["total"]?.doubleValue ?? -1
                let count = Double(body["data"]?["recordings"]?.arrayValue?.count ?? -2)
                try check(total == count, expected: "total equals the list's length", observed: "\(total) vs \(count)")
                return .pass(observed: "\(Int(total)) recording(s)")
            },
            meetingCase(
                "recordings/play-unknown-404", "play and download of an unknown recording are 404",
                reference: operation("playRecording", "404"), requirement: "An id that names no recording is 404."
            ) { context in
                _ = try await MeetingREST.expectError(
                    context, "GET", "/recordings/conform-no-such-id/play", status: 404)
                return try await MeetingREST.expectError(
                    context, "GET", "/recordings/conform-no-such-id/download", status: 404)
            },
            meetingCase(
                "recordings/play-url", "play answers a URL and the content type",
                reference: operation("playRecording"),
                requirement: "A URL to play the recording, with its content_type."
            ) { context in
                let recording = try await someRecording(context)
                let body = try await envelope(context, "GET", "/recordings/\(recording.id)/play")
                try conforms(documents, "playRecording", body)
                try check(
                    body["data"]?["id"] == .string(recording.id) && !(body["data"]?["url"]?.stringValue ?? "").isEmpty,
                    expected: "data {id, url}", observed: body.compactText)
                return .pass(observed: body["data"]?["url"]?.stringValue ?? "")
            },
            meetingCase(
                "recordings/download-whole", "download without Range: 200, the whole file, Accept-Ranges: bytes",
                reference: ranges,
                requirement:
                    "The whole file with Content-Length equal to size_bytes and Accept-Ranges: bytes (RFC 9110 §14.3)."
            ) { context in
                let recording = try await someRecording(context)
                let response = try await download(context, recording.id, range: nil)
                try check(
                    response.status == 200 && response.body.count == recording.size
                        && response.header("Accept-Ranges") == "bytes"
                        && (response.header("Content-Disposition") ?? "").hasPrefix("attachment"),
                    expected: "200, \(recording.size) bytes, Accept-Ranges: bytes, Content-Disposition: attachment",
                    observed:
                        "\(response.status), \(response.body.count) bytes, Accept-Ranges: \(response.header("Accept-Ranges") ?? "-")"
                )
                return .pass(observed: "\(response.body.count) bytes")
            },
            meetingCase(
                "recordings/download-range", "bytes=first-last: 206 with Content-Range and exactly those bytes",
                reference: SpecReference.rfc(9110, "15.3.7", "206 Partial Content"),
                requirement: "One satisfiable range → 206, Content-Range: bytes first-last/size, the selected bytes."
            ) { context in
                let recording = try await someRecording(context)
                let whole = try await download(context, recording.id, range: nil)
                let part = try await download(context, recording.id, range: "bytes=2-9")
                try check(
                    part.status == 206 && part.header("Content-Range") == "bytes 2-9/\(recording.size)"
                        && part.body == Array(whole.body[2...9]),
                    expected: "206, Content-Range: bytes 2-9/\(recording.size), bytes 2…9 of the file",
                    observed:
                        "\(part.status), Content-Range: \(part.header("Content-Range") ?? "-"), \(part.body.count) bytes"
                )
                return .pass(observed: "206 bytes 2-9")
            },
            meetingCase(
                "recordings/download-suffix-range", "bytes=-N: 206 with the last N bytes",
                reference: ranges, requirement: "A suffix range selects the last N bytes (RFC 9110 §14.1.1)."
            ) { context in
                let recording = try await someRecording(context)
                let whole = try await download(context, recording.id, range: nil)
                let part = try await download(context, recording.id, range: "bytes=-5")
                let size = recording.size
                try check(
                    part.status == 206 && part.header("Content-Range") == "bytes \(size - 5)-\(size - 1)/\(size)"
                        && part.body == Array(whole.body.suffix(5)),
                    expected: "206, Content-Range: bytes \(size - 5)-\(size - 1)/\(size), the last 5 bytes",
                    observed: "\(part.status), Content-Range: \(part.header("Content-Range") ?? "-")")
                return .pass(observed: "206 last 5 bytes")
            },
            meetingCase(
                "recordings/download-unsatisfiable-416", "a range past the end: 416 with Content-Range: bytes */size",
                reference: SpecReference.rfc(9110, "15.5.17", "416 Range Not Satisfiable"),
                requirement: "No satisfiable range → 416 with Content-Range: bytes */<size>."
            ) { context in
                let recording = try await someRecording(context)
                let part = try await download(context, recording.id, range: "bytes=\(recording.size + 10)-")
                try check(
                    part.status == 416 && part.header("Content-Range") == "bytes */\(recording.size)",
                    expected: "416, Content-Range: bytes */\(recording.size)",
                    observed: "\(part.status), Content-Range: \(part.header("Content-Range") ?? "-")")
                return .pass(observed: "416")
            },
        ]
    }
}
