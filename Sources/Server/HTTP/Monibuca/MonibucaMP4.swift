import Foundation
import Hummingbird
import ParleyRooms
import ParleySFU
import ParleyStore

/// Monibuca's MP4 plugin routes over Parley's recorder (docs/recordings.md), in each version's own shapes:
/// V6 `POST /mp4/start/{stream_path}` and `/mp4/stop/{stream_path}` (`{"status","stream"}`); v5's gateway routes
/// `POST /mp4/api/start|stop/{path}` (`{"code","message","data"}` with the record id as a string),
/// `GET /mp4/api/list/{path}` (`RecordResponseList`: lowerCamelCase, paged) and `GET /mp4/download/{path}.mp4`
/// (the file, with ranges). A recording's file is MP4 for H264, WebM for VP8 and Ogg for audio only: the download
/// says which in `Content-Type`. Any other `/mp4/` route answers 501 in the envelope.
struct MonibucaMP4: Sendable {
    let recorder: Recorder
    let store: MeetingStore
    let directory: URL

    init(services: ParleyServices) {
        recorder = services.recorder
        store = MeetingStore(database: services.database)
        directory = URL(fileURLWithPath: services.config.recording.directory(dataDir: services.config.dataDir))
    }

    struct V6Status: Encodable {
        let status: String
        let stream: String
        let recording_id: String?
        let state: String?
    }

    /// v5 `{code, message, data}` with the id as a string (protojson writes uint64 as a string).
    struct V5Reply: Encodable {
        let code: Int
        let message: String
        let data: String
    }

    /// v5 errors: a plain Go error is gRPC code 2 (unknown), HTTP 500.
    struct V5Failure: Encodable {
        let code: Int
        let message: String
        let details: [String]
    }

    struct V5RecordFile: Encodable {
        let id: Int64
        let filePath: String
        let streamPath: String
        let startTime: String
        let endTime: String
    }

    struct V5List: Encodable {
        let code: Int
        let message: String
        let total: Int
        let pageNum: Int
        let pageSize: Int
        let data: [V5RecordFile]
    }

    func register(on router: Router<ParleyRequestContext>) {
        router.post("/mp4/start/**") { request, _ in
            let path = try MonibucaStreams.streamPath(request.uri.path, skip: 2)
            switch await Self.attempt({ () async throws(RecorderError) in
                try await recorder.start(.stream(path), by: "mp4")
            }) {
            case .success(let record):
                return try MonibucaEnvelope.json(
                    V6Status(status: "started", stream: path.rawValue, recording_id: record.id, state: record.state),
                    status: .ok)
            case .failure(.alreadyRecording(let id)):
                return try MonibucaEnvelope.json(
                    V6Status(status: "already_recording", stream: path.rawValue, recording_id: id, state: nil),
                    status: .ok)
            case .failure(let error):
                throw MeetingAPI.map(error)
            }
        }
        router.post("/mp4/stop/**") { request, _ in
            let path = try MonibucaStreams.streamPath(request.uri.path, skip: 2)
            guard let running = await recorder.running(.stream(path)) else {
                return try MonibucaEnvelope.json(
                    V6Status(status: "not_recording", stream: path.rawValue, recording_id: nil, state: nil),
                    status: .ok)
            }
            switch await Self.attempt({ () async throws(RecorderError) in
                try await recorder.stop(running.id, reason: "stopped by /mp4/stop", by: "mp4")
            }) {
            case .success(let record):
                return try MonibucaEnvelope.json(
                    V6Status(status: "stopped", stream: path.rawValue, recording_id: record.id, state: record.state),
                    status: .ok)
            case .failure(let error):
                throw MeetingAPI.map(error)
            }
        }
        router.post("/mp4/api/start/**") { request, _ in
            let path = try MonibucaStreams.streamPath(request.uri.path, skip: 3)
            switch await Self.attempt({ () async throws(RecorderError) in
                try await recorder.start(.stream(path), by: "mp4")
            }) {
            case .success(let record):
                return try MonibucaEnvelope.json(
                    V5Reply(code: 0, message: "", data: String(record.number ?? 0)), status: .ok)
            case .failure(let error):
                return try Self.v5Failure(error)
            }
        }
        router.post("/mp4/api/stop/**") { request, _ in
            let path = try MonibucaStreams.streamPath(request.uri.path, skip: 3)
            // v5 answers success with "0" when nothing records the path.
            guard let running = await recorder.running(.stream(path)) else {
                return try MonibucaEnvelope.json(V5Reply(code: 0, message: "", data: "0"), status: .ok)
            }
            switch await Self.attempt({ () async throws(RecorderError) in
                try await recorder.stop(running.id, reason: "stopped by /mp4/api/stop", by: "mp4")
            }) {
            case .success(let record):
                return try MonibucaEnvelope.json(
                    V5Reply(code: 0, message: "", data: String(record.number ?? 0)), status: .ok)
            case .failure(let error):
                return try Self.v5Failure(error)
            }
        }
        router.get("/mp4/api/list/**") { request, _ in
            try list(request, pattern: Self.tail(request.uri.path, skip: 3))
        }
        router.get("/mp4/api/list") { request, _ in try list(request, pattern: "") }
        router.get("/mp4/download/**") { request, context in
            try await download(request, context: context)
        }
        let message =
            "this /mp4/ route is not implemented by Parley (served: /mp4/start, /mp4/stop, /mp4/api/start|stop|list,"
            + " /mp4/download)"
        for method in MonibucaMethods.all {
            for path in ["/mp4", "/mp4/**"] {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw MonibucaError.notImplemented(message)
                }
            }
        }
    }

    /// A recorder call as a Result, so the reply can be encoded (which throws any error) outside the typed catch.
    static func attempt(_ operation: () async throws(RecorderError) -> MeetingRecordingRecord) async
        -> Result<MeetingRecordingRecord, RecorderError>
    {
        do {
            return .success(try await operation())
        } catch {
            return .failure(error)
        }
    }

    static func v5Failure(_ error: RecorderError) throws -> Response {
        let message =
            switch error {
            case .alreadyRecording: "record exists"
            case .noPublisher, .roomNotFound, .notFound: "not found"
            default: error.description
            }
        return try MonibucaEnvelope.json(
            V5Failure(code: 2, message: message, details: []), status: .internalServerError)
    }

    /// The decoded path after `skip` segments ("" when none).
    static func tail(_ raw: String, skip: Int) -> String {
        let segments = MonibucaPaths.segments(of: raw)
        guard segments.count > skip else { return "" }
        return segments[skip...].joined(separator: "/").removingPercentEncoding ?? ""
    }

    /// A finished file of one stream path inside a recording.
    struct Entry {
        let record: MeetingRecordingRecord
        let file: MeetingRecordingFile
        let fileName: String
    }

    /// Ready files of paths matching `pattern` (`*` = any run of characters, as v5's LIKE; empty = every path),
    /// newest first.
    func entries(matching pattern: String) throws -> [Entry] {
        let glob = pattern.replacingOccurrences(of: "**", with: "*").replacingOccurrences(of: "*", with: "**")
        var result: [Entry] = []
        for record in try store.recordings() where record.managed && record.state == MeetingRecordingState.ready {
            for file in record.files where file.state == MeetingRecordingState.ready {
                guard let name = file.fileName,
                    pattern.isEmpty || StreamPathGlob.matches(glob, file.streamPath)
                else { continue }
                result.append(Entry(record: record, file: file, fileName: name))
            }
        }
        return result
    }

    func list(_ request: Request, pattern: String) throws -> Response {
        let query = request.uri.queryParameters
        // Both are uint32 in v5's RecordRequest; grpc-gateway refuses a query field that does not parse as its type:
        // 400 with gRPC code 3 (InvalidArgument).
        for field in ["pageNum", "pageSize"] {
            if let raw = query.get(field), UInt32(raw) == nil {
                return try MonibucaEnvelope.json(
                    V5Failure(code: 3, message: "parsing field \"\(field)\": invalid integer", details: []),
                    status: .badRequest)
            }
        }
        let pageNum = max(1, query.get("pageNum").flatMap { Int($0) } ?? 1)
        let pageSize = min(1000, max(1, query.get("pageSize").flatMap { Int($0) } ?? 10))
        let all: [Entry]
        do {
            all = try entries(matching: pattern)
        } catch {
            return try MonibucaEnvelope.json(
                V5Failure(code: 2, message: "no db", details: []), status: .internalServerError)
        }
        let page = all.dropFirst((pageNum - 1) * pageSize).prefix(pageSize)
        let files = page.map { entry in
            V5RecordFile(
                id: entry.record.number ?? 0, filePath: directory.appendingPathComponent(entry.fileName).path,
                streamPath: entry.file.streamPath, startTime: MeetingModels.timestamp(entry.record.createdAt),
                endTime: MeetingModels.timestamp(entry.record.stoppedAt ?? entry.record.createdAt))
        }
        return try MonibucaEnvelope.json(
            V5List(code: 0, message: "", total: all.count, pageNum: pageNum, pageSize: pageSize, data: files),
            status: .ok)
    }

    /// `/mp4/download/{path}.mp4` (or `.fmp4`): the newest recorded file of the path, or `?id=N`'s.
    func download(_ request: Request, context: ParleyRequestContext) async throws -> Response {
        var raw = Self.tail(request.uri.path, skip: 2)
        for suffix in [".fmp4", ".mp4"] where raw.hasSuffix(suffix) {
            raw = String(raw.dropLast(suffix.count))
            break
        }
        guard let path = StreamPath(raw) else {
            throw MonibucaError.badRequest("stream path must be 1-8 '/'-separated segments of [A-Za-z0-9._~-]{1,64}")
        }
        let candidates = try entries(matching: "").filter { $0.file.streamPath == path.rawValue }
        let chosen: Entry?
        if let id = request.uri.queryParameters.get("id") {
            chosen = candidates.first { String($0.record.number ?? -1) == id }
        } else {
            chosen = candidates.first
        }
        guard let chosen else { throw MonibucaError.notFound("record not found") }
        let fileExtension = chosen.fileName.split(separator: ".").last.map(String.init) ?? "mp4"
        let name =
            path.rawValue.replacingOccurrences(of: "/", with: "_") + "_\(chosen.record.number ?? 0).\(fileExtension)"
        return try await RecordingDownload.serve(
            chosen.fileName, in: directory,
            contentType: chosen.file.contentType ?? RecordingFiles.contentType(of: chosen.fileName),
            inline: request.uri.queryParameters.get("disposition") == "inline", downloadName: name,
            request: request, context: context)
    }
}
