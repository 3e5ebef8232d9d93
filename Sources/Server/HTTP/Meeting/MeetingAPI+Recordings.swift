import Foundation
import Hummingbird
import ParleyStore

/// The recordings catalogue of `<data_dir>/recordings/{room_id}/{file}`: list (synchronised with the directory on
/// each listing), play URL, download with HTTP range requests (RFC 9110 §14), delete (row and file together).
extension MeetingAPI {
    func registerRecordings(on router: some RouterMethods<ParleyRequestContext>) {
        let p = Self.prefix
        router.get("\(p)/recordings") { request, _ in
            let room = try Self.roomFilter(request)
            var list = try stored { try store.syncRecordings(directory: recordingsDirectory) }
            if let room { list = list.filter { $0.roomID == room.rawValue } }
            let items = list.map(model)
            return try MeetingReply.ok(MeetingModels.RecordingList(total: items.count, recordings: items))
        }
        router.get("\(p)/recordings/:id/play") { _, context in
            let recording = try findRecording(context)
            return try MeetingReply.ok(
                MeetingModels.Play(
                    id: recording.id, url: playURL(recording),
                    content_type: recording.contentType))
        }
        router.get("\(p)/recordings/:id/download") { request, context in
            try await download(try findRecording(context), request: request, context: context)
        }
        router.delete("\(p)/recordings/:id") { _, context in
            let id = try Self.opaqueID(context)
            _ = try stored { try store.deleteRecording(id, in: recordingsDirectory) }
            return try MeetingReply.ok(MeetingModels.Deleted(id: id))
        }
    }

    func findRecording(_ context: ParleyRequestContext) throws -> MeetingRecordingRecord {
        let id = try Self.opaqueID(context)
        guard let recording = try stored({ try store.recording(id) }) else {
            throw MonibucaError.notFound("recording not found")
        }
        return recording
    }

    func downloadPath(_ recording: MeetingRecordingRecord) -> String {
        "\(Self.prefix)/recordings/\(recording.id)/download"
    }

    /// Absolute when `http.public_url` is set, else origin-relative. Playing inline needs the same JWT as any
    /// other `/meeting/api` request.
    func playURL(_ recording: MeetingRecordingRecord) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return base + downloadPath(recording) + "?disposition=inline"
    }

    func model(_ recording: MeetingRecordingRecord) -> MeetingModels.Recording {
        MeetingModels.Recording(
            id: recording.id, room_id: recording.roomID, file_name: recording.fileName,
            stream_path: Nullable(recording.streamPath), size_bytes: recording.sizeBytes,
            content_type: recording.contentType, duration_seconds: Nullable(recording.durationSeconds),
            created_at: MeetingModels.timestamp(recording.createdAt), play_url: playURL(recording),
            download_url: downloadPath(recording))
    }

    func download(_ recording: MeetingRecordingRecord, request: Request, context: ParleyRequestContext) async throws
        -> Response
    {
        guard let url = RecordingFiles.resolve(recording.fileName, in: recordingsDirectory),
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else {
            throw MonibucaError.notFound("recording file is missing")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let inline = request.uri.queryParameters.get("disposition") == "inline"
        let fileName = recording.fileName.split(separator: "/").last.map(String.init) ?? recording.id
        var headers: HTTPFields = [
            .contentType: recording.contentType,
            .acceptRanges: "bytes",
            .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(fileName)\"",
        ]
        let status: HTTPResponse.Status
        let range: ClosedRange<Int64>?
        switch ByteRange.resolve(request.headers[.range], size: size) {
        case .whole:
            status = .ok
            range = size > 0 ? 0...(size - 1) : nil
        case .partial(let part):
            status = .partialContent
            range = part
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
        case .unsatisfiable:
            throw MonibucaError(
                .rangeNotSatisfiable, "range not satisfiable for \(size) bytes",
                headers: [.contentRange: "bytes */\(size)"])
        }
        headers[.contentLength] = String(range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0)
        guard let range else { return Response(status: status, headers: headers, body: .init()) }
        do {
            let body = try await FileIO().loadFile(
                path: url.path, range: Int(range.lowerBound)...Int(range.upperBound),
                context: context)
            return Response(status: status, headers: headers, body: body)
        } catch {
            throw MonibucaError.notFound("recording file is missing")
        }
    }
}
