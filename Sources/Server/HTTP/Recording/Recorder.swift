import Foundation
import Logging
import ParleyConfig
import ParleyRooms
import ParleySFU
import ParleyStore
import ParleyTime
import Synchronization

/// Meeting recordings (docs/recordings.md): while a recording runs, each recorded publication's decrypted RTP goes
/// to `<recording.dir>/<id>/<stem>.pcap` through the debug capture's append-only writer (crash-safe); on stop the
/// captures are post-processed off the media loop into one playable file per publication, and the catalogue row
/// moves `recording` → `processing` → `ready` | `failed`.
///
/// A recording targets a room (every publication of the room, including those that start later) or one stream
/// path. One actor for the server: REST, the room WebSocket, templates and the `/mp4` routes all come here.
public actor Recorder {
    public enum Target: Sendable, Hashable {
        case room(RoomID)
        case stream(StreamPath)
    }

    struct Active: Sendable {
        var record: MeetingRecordingRecord
        let target: Target
        let startedAt: Duration
        /// Open captures: stream path → capture stem.
        var capturing: [String: String] = [:]
    }

    let settings: ParleyConfig.Recording
    let directory: URL
    let store: MeetingStore
    let rooms: any RoomDirectory
    let captures: (any RecordingCaptureSource)?
    let processor: RecordingProcessor
    let clock: any ServerClock
    let logger: Logger

    var active: [String: Active] = [:]
    /// Post-processing under way, by recording id (shutdown waits for it).
    var processing: [String: Task<Void, Never>] = [:]
    /// Recordings being stopped (their captures closing), until their processing is scheduled.
    var stopping: [String: Task<MeetingRecordingRecord, Never>] = [:]
    /// Not actor state: the room WebSocket registers synchronously while the server is built.
    nonisolated let listeners = Mutex<[@Sendable (RecordingAnnouncement) -> Void]>([])
    var following: Task<Void, Never>?
    /// Rooms whose template recording started in this meeting (a presenter's stop is not undone by the next join).
    var autoStarted: Set<RoomID> = []
    /// Capture stems stay unique within a recording even when a path publishes again.
    var captureSerial: UInt64 = 0

    public init(
        settings: ParleyConfig.Recording, directory: URL, store: MeetingStore, rooms: any RoomDirectory,
        captures: (any RecordingCaptureSource)?, processor: @escaping RecordingProcessor, clock: any ServerClock,
        logger: Logger
    ) {
        self.settings = settings
        self.directory = directory
        self.store = store
        self.rooms = rooms
        self.captures = captures
        self.processor = processor
        self.clock = clock
        self.logger = logger
    }

    /// Registers a listener for `record` announcements (the room WebSocket broadcasts them).
    public nonisolated func onAnnouncement(_ listener: @escaping @Sendable (RecordingAnnouncement) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    func announce(_ record: MeetingRecordingRecord, by: String) {
        guard !record.roomID.isEmpty else { return }
        let announcement = RecordingAnnouncement(
            roomID: record.roomID, recordingID: record.id, state: record.state, by: by)
        for listener in listeners.withLock({ $0 }) { listener(announcement) }
    }

    // MARK: start

    /// Starts recording `target`. A room may have no publisher yet (its publications join as they start); a
    /// stream path needs its publisher live.
    public func start(_ target: Target, by: String) async throws(RecorderError) -> MeetingRecordingRecord {
        guard settings.enabled else { throw .disabled }
        guard let captures else { throw .unavailable }
        await followRooms()
        let paths: [StreamPath]
        let roomID: String
        var userID: String?
        switch target {
        case .room(let room):
            guard let snapshot = await rooms.room(room) else { throw .roomNotFound(room.rawValue) }
            if let running = active.values.first(where: { $0.target == target }) {
                throw .alreadyRecording(id: running.record.id)
            }
            roomID = room.rawValue
            paths = snapshot.streams.map(\.path)
        case .stream(let path):
            guard let stream = await rooms.stream(path) else { throw .noPublisher(path.rawValue) }
            roomID = stream.roomID?.rawValue ?? path.roomScoped?.room.rawValue ?? ""
            userID = stream.publisher?.rawValue ?? path.roomScoped?.user.rawValue
            paths = [path]
        }
        // One capture per path: a path some running recording captures already is refused.
        if let running = active.values.first(where: { running in
            paths.contains { running.capturing[$0.rawValue] != nil }
        }) {
            throw .alreadyRecording(id: running.record.id)
        }
        let id = MeetingStore.newID()
        var record: MeetingRecordingRecord
        do {
            record = try store.insertRecording(
                MeetingRecordingRecord(
                    id: id, roomID: roomID, fileName: id + "/", streamPath: Self.streamPath(target),
                    sizeBytes: 0, contentType: "application/octet-stream", durationSeconds: nil,
                    createdAt: clock.now, state: MeetingRecordingState.recording, userID: userID, startedBy: by,
                    managed: true))
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(id), withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot start the recording: \(error)")
        }
        active[id] = Active(record: record, target: target, startedAt: clock.uptime)
        logger.info(
            "recording started", metadata: ["recording": "\(id)", "target": "\(target)", "by": "\(by)"])
        for path in paths { await startCapture(recording: id, path: path, captures: captures) }
        record = active[id]?.record ?? record
        announce(record, by: by)
        return record
    }

    static func streamPath(_ target: Target) -> String? {
        if case .stream(let path) = target { return path.rawValue }
        return nil
    }

    /// Opens the capture of one publication and notes it in the row (so a crash leaves it findable).
    func startCapture(recording id: String, path: StreamPath, captures: any RecordingCaptureSource) async {
        guard active[id] != nil, active[id]?.capturing[path.rawValue] == nil else { return }
        captureSerial &+= 1
        let stem = Self.captureStem(path.rawValue, serial: captureSerial)
        active[id]?.capturing[path.rawValue] = stem
        let folder = directory.appendingPathComponent(id).path
        do {
            _ = try await captures.startRecordingCapture(
                path: path.rawValue, directory: folder, stem: stem, maxBytes: settings.maxByteCount)
        } catch {
            active[id]?.capturing[path.rawValue] = nil
            logger.warning(
                "recording capture not started",
                metadata: ["recording": "\(id)", "path": "\(path)", "error": "\(error)"])
            return
        }
        guard var running = active[id] else {
            // Stopped while the capture opened: close it again; the stop's processing finds it on disk.
            _ = await captures.stopRecordingCapture(path: path.rawValue, reason: "the recording stopped")
            return
        }
        running.record.files.append(
            MeetingRecordingFile(
                capture: stem, streamPath: path.rawValue, userID: path.roomScoped?.user.rawValue))
        active[id] = running
        persist(running.record)
    }

    /// The path with anything but [A-Za-z0-9._-] as '_', and a serial: unique, and safe as a file name.
    static func captureStem(_ path: String, serial: UInt64) -> String {
        let safe = String(
            path.unicodeScalars.prefix(80).map { scalar -> Character in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        return "\(safe)-\(serial)"
    }

    func persist(_ record: MeetingRecordingRecord) {
        do {
            try store.updateRecording(record)
        } catch {
            logger.error("recording row not written", metadata: ["recording": "\(record.id)", "error": "\(error)"])
        }
    }

    // MARK: stop

    /// Stops recording `id`: its captures close, the row turns `processing`, and post-processing runs in the
    /// background (``waitForProcessing(_:)``). Returns the row as it is now.
    @discardableResult
    public func stop(_ id: String, reason: String, by: String) async throws(RecorderError) -> MeetingRecordingRecord {
        guard var running = active.removeValue(forKey: id) else {
            let row: MeetingRecordingRecord?
            do {
                row = try store.recording(id)
            } catch {
                throw .storage("\(error)")
            }
            guard let row else { throw .notFound }
            throw .notRecording(state: row.state)
        }
        // Between leaving `active` and having its processing task, the recording is in `stopping`: closing its
        // captures suspends this actor, and ``waitForProcessing(_:)`` must not find it in neither place then.
        let closing = Task { () -> MeetingRecordingRecord in
            for (path, _) in running.capturing {
                _ = await captures?.stopRecordingCapture(path: path, reason: reason)
            }
            running.capturing = [:]
            running.record.state = MeetingRecordingState.processing
            running.record.stopReason = reason
            running.record.stoppedAt = clock.now
            persist(running.record)
            logger.info("recording stopped", metadata: ["recording": "\(id)", "reason": "\(reason)"])
            announce(running.record, by: by)
            scheduleProcessing(running.record, by: by)
            return running.record
        }
        stopping[id] = closing
        let stopped = await closing.value
        stopping[id] = nil
        return stopped
    }

    /// The running recording of `target`, if any.
    public func running(_ target: Target) -> MeetingRecordingRecord? {
        active.values.first { $0.target == target }?.record
    }

    /// The running recording `id`, if it runs.
    public func running(id: String) -> MeetingRecordingRecord? { active[id]?.record }

    /// Every running recording (``RecorderService`` checks their limits).
    public func runningRecordings() -> [MeetingRecordingRecord] { active.values.map(\.record) }

    /// Stops every running recording and waits until each is post-processed (graceful shutdown).
    public func shutdown() async {
        following?.cancel()
        following = nil
        for id in Array(active.keys) {
            _ = try? await stop(id, reason: "the server shut down", by: "server")
        }
        for task in processing.values { await task.value }
    }

    /// Waits until `id`'s post-processing (if any) is done.
    public func waitForProcessing(_ id: String) async {
        // A stop under way schedules the processing before it completes.
        _ = await stopping[id]?.value
        await processing[id]?.value
    }
}
