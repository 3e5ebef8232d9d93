import Foundation
import Hummingbird
import ParleyRooms
import ParleyStore

/// The recordings catalogue (docs/recordings.md): start (`POST /recordings` with `room_id` or `stream_path`) and stop
/// (`POST /recordings/{id}/stop`), by an admin (Monibuca JWT) or a presenter of the room (its `session_token`); list
/// (recorded rows, plus files put under `<recording.dir>/{room_id}/`, synchronised on each listing), play URL,
/// download with HTTP range requests (RFC 9110 §14), delete (row, files and raw captures together).
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
        router.post("\(p)/recordings") { request, context in
            let body = try await MeetingBody.read(request, context: context, allowed: ["room_id", "stream_path"])
            let target = try Self.recordingTarget(body)
            let room: RoomID? =
                switch target {
                case .room(let room): room
                case .stream(let path): path.roomScoped?.room
                }
            let by = try await recordingRequester(context, room: room)
            let record: MeetingRecordingRecord
            do throws(RecorderError) {
                record = try await recorder.start(target, by: by)
            } catch {
                throw Self.map(error)
            }
            return try MonibucaEnvelope.json(MonibucaEnvelope.Success(data: model(record)), status: .created)
        }
        router.post("\(p)/recordings/:id/stop") { _, context in
            let recording = try findRecording(context)
            let by = try await recordingRequester(context, room: RoomID(recording.roomID))
            let record: MeetingRecordingRecord
            do throws(RecorderError) {
                record = try await recorder.stop(recording.id, reason: "stopped by \(by)", by: by)
            } catch {
                throw Self.map(error)
            }
            return try MeetingReply.ok(model(record))
        }
        router.get("\(p)/recordings/:id/play") { _, context in
            let recording = try findRecording(context)
            return try MeetingReply.ok(
                MeetingModels.Play(
                    id: recording.id, url: playURL(recording),
                    content_type: recording.contentType))
        }
        router.get("\(p)/recordings/:id/download") { request, context in
            let recording = try findRecording(context)
            if let token = context.recordingPlayToken, !playTokens.verify(token, id: recording.id) {
                throw MonibucaError(
                    .unauthorized, "play_token invalid or expired; ask /play for a fresh URL",
                    headers: [.wwwAuthenticate: #"Bearer realm="parley", error="invalid_token""#])
            }
            guard recording.state == MeetingRecordingState.ready else {
                throw MonibucaError(.conflict, "recording is \(recording.state); there is no file to download")
            }
            var fileName = recording.fileName
            var contentType = recording.contentType
            if let capture = request.uri.queryParameters.get("file") {
                guard let file = recording.files.first(where: { $0.capture == capture }), let name = file.fileName
                else {
                    throw MonibucaError.notFound(
                        "recording \(recording.id) has no processed file \(capture.prefix(80))")
                }
                fileName = name
                contentType = file.contentType ?? RecordingFiles.contentType(of: name)
            }
            return try await RecordingDownload.serve(
                fileName, in: recordingsDirectory, contentType: contentType,
                inline: request.uri.queryParameters.get("disposition") == "inline", request: request,
                context: context)
        }
        router.delete("\(p)/recordings/:id") { _, context in
            let id = try Self.opaqueID(context)
            if await recorder.running(id: id) != nil {
                throw MonibucaError(.conflict, "recording \(id) is running; stop it first")
            }
            _ = try stored { try store.deleteRecording(id, in: recordingsDirectory) }
            return try MeetingReply.ok(MeetingModels.Deleted(id: id))
        }
    }

    /// `{"room_id": R}` or `{"stream_path": P}`, exactly one.
    static func recordingTarget(_ body: MeetingBody) throws(MonibucaError) -> Recorder.Target {
        switch (try body.string("room_id"), try body.string("stream_path")) {
        case (let room?, nil):
            guard let id = RoomID(room) else {
                throw MeetingBody.invalid("room_id", "must match [A-Za-z0-9._~-]{1,64}")
            }
            return .room(id)
        case (nil, let path?):
            guard let stream = StreamPath(path) else {
                throw MeetingBody.invalid("stream_path", "must be /-separated segments of [A-Za-z0-9._~-]")
            }
            return .stream(stream)
        default:
            throw MonibucaError.badRequest("give exactly one of 'room_id' and 'stream_path'")
        }
    }

    /// Who starts or stops: `api` for an admin (the JWT middleware let the request through), or the presenter
    /// whose room `session_token` was presented, which must be of `room` (docs/contracts.md §Who may do what).
    func recordingRequester(_ context: ParleyRequestContext, room: RoomID?) async throws -> String {
        guard let token = context.roomSessionToken else { return "api" }
        guard let (claims, participant) = await sessionTokens.verify(token, rooms: rooms) else {
            throw MonibucaError(
                .unauthorized, "session token invalid, expired or revoked",
                headers: [.wwwAuthenticate: #"Bearer realm="parley", error="invalid_token""#])
        }
        guard participant.isPresenter else {
            throw MonibucaError(.forbidden, "only a presenter may start or stop a recording")
        }
        guard let room, room == claims.room else {
            throw MonibucaError(.forbidden, "a session token of room \(claims.room) records only that room")
        }
        return claims.user.rawValue
    }

    static func map(_ error: RecorderError) -> MonibucaError {
        switch error {
        case .disabled: MonibucaError(.forbidden, error.description)
        case .unavailable: MonibucaError(.serviceUnavailable, error.description)
        case .roomNotFound, .noPublisher, .notFound: MonibucaError.notFound(error.description)
        case .alreadyRecording, .notRecording: MonibucaError(.conflict, error.description)
        case .storage: MonibucaError(.internalServerError, error.description)
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

    /// Absolute when `http.public_url` is set, else origin-relative. It carries a `play_token` (good for this
    /// recording for ``RecordingPlayTokens/lifetime``), so a `<video>` element plays it without a JWT.
    func playURL(_ recording: MeetingRecordingRecord) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return base + downloadPath(recording) + "?disposition=inline&play_token=" + playTokens.issue(for: recording.id)
    }

    func model(_ recording: MeetingRecordingRecord) -> MeetingModels.Recording {
        MeetingModels.Recording(
            id: recording.id, room_id: recording.roomID, file_name: recording.fileName,
            stream_path: Nullable(recording.streamPath), size_bytes: recording.sizeBytes,
            content_type: recording.contentType, duration_seconds: Nullable(recording.durationSeconds),
            created_at: MeetingModels.timestamp(recording.createdAt), play_url: playURL(recording),
            download_url: downloadPath(recording), state: recording.state, error: Nullable(recording.error),
            stop_reason: Nullable(recording.stopReason), user_id: Nullable(recording.userID),
            started_by: Nullable(recording.startedBy), format: Nullable(recording.format), tracks: recording.tracks,
            stopped_at: Nullable(recording.stoppedAt.map(MeetingModels.timestamp)),
            files: recording.files.map { file in
                MeetingModels.RecordingFile(
                    stream_path: file.streamPath, user_id: Nullable(file.userID), state: file.state,
                    error: Nullable(file.error), file_name: Nullable(file.fileName), format: Nullable(file.format),
                    content_type: Nullable(file.contentType), size_bytes: file.sizeBytes,
                    duration_seconds: Nullable(file.durationSeconds), tracks: file.tracks,
                    download_url: Nullable(
                        file.fileName.map { _ in downloadPath(recording) + "?file=" + file.capture }))
            })
    }
}
