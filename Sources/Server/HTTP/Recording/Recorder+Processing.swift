import Dispatch
import Foundation
import ParleyRooms
import ParleyStore
import ParleyWire

/// Post-processing: each raw capture of a stopped recording becomes one playable file, off the media loop and off
/// this actor (the processor reads and writes files on a global queue).
extension Recorder {
    func scheduleProcessing(_ record: MeetingRecordingRecord, by: String, recovered: Bool = false) {
        let folder = directory.appendingPathComponent(record.id)
        let processor = self.processor
        processing[record.id] = Task {
            let finished = await Self.process(record, folder: folder, processor: processor, recovered: recovered)
            self.finishedProcessing(finished, by: by)
        }
    }

    func finishedProcessing(_ record: MeetingRecordingRecord, by: String) {
        processing[record.id] = nil
        do {
            try store.updateRecording(record)
        } catch MeetingStoreError.recordingNotFound {
            // Deleted while it was processed: nothing to list.
            return
        } catch {
            logger.error("recording row not written", metadata: ["recording": "\(record.id)", "error": "\(error)"])
        }
        logger.info(
            "recording processed",
            metadata: [
                "recording": "\(record.id)", "state": "\(record.state)", "error": "\(record.error ?? "")",
            ])
        announce(record, by: by)
    }

    /// Processes every capture of `record` that has no playable file yet and sums the recording up: `ready` with its
    /// primary file (the first that plays), or `failed` with the reasons. Never `ready` without a written file.
    static func process(
        _ record: MeetingRecordingRecord, folder: URL, processor: @escaping RecordingProcessor, recovered: Bool
    ) async -> MeetingRecordingRecord {
        var record = record
        var files = record.files
        // A crash between opening a capture and noting it in the row leaves a capture only the disk knows.
        for stem in captureStems(in: folder) where !files.contains(where: { $0.capture == stem }) {
            let path = manifestStreamPath(folder.appendingPathComponent(stem + ".json")) ?? ""
            files.append(
                MeetingRecordingFile(
                    capture: stem, streamPath: path, userID: StreamPath(path)?.roomScoped?.user.rawValue))
        }
        for index in files.indices {
            if files[index].state == MeetingRecordingState.ready, let name = files[index].fileName,
                FileManager.default.fileExists(
                    atPath: folder.deletingLastPathComponent().appendingPathComponent(name).path)
            {
                continue
            }
            let stem = files[index].capture
            let manifest = folder.appendingPathComponent(stem + ".json").path
            let outcome = await offLoop { Result { try processor(manifest, folder.path, stem) } }
            switch outcome {
            case .success(let output):
                files[index].fileName = record.id + "/" + URL(fileURLWithPath: output.path).lastPathComponent
                files[index].format = output.format
                files[index].contentType = output.contentType
                files[index].sizeBytes = Int64(clamping: output.sizeBytes)
                files[index].durationSeconds = output.durationSeconds
                files[index].tracks = output.tracks
                files[index].state = MeetingRecordingState.ready
                files[index].error = nil
            case .failure(let error):
                files[index].state = MeetingRecordingState.failed
                files[index].error = "\(error)"
            }
        }
        record.files = files
        if let primary = files.first(where: { $0.state == MeetingRecordingState.ready }), let name = primary.fileName {
            record.state = MeetingRecordingState.ready
            record.error = nil
            record.fileName = name
            record.format = primary.format
            record.contentType = primary.contentType ?? RecordingFiles.contentType(of: name)
            record.sizeBytes = primary.sizeBytes
            record.durationSeconds = primary.durationSeconds
            record.tracks = primary.tracks
            if record.userID == nil, files.count == 1 { record.userID = primary.userID }
        } else {
            record.state = MeetingRecordingState.failed
            let reasons =
                files.isEmpty
                ? "nothing was published while recording"
                : files.map { "\($0.streamPath.isEmpty ? $0.capture : $0.streamPath): \($0.error ?? "not processed")" }
                    .joined(separator: "; ")
            record.error = recovered ? "the server stopped while recording; \(reasons)" : reasons
        }
        return record
    }

    /// Stems of `<stem>.json` manifests with a `<stem>.pcap` beside them, sorted.
    static func captureStems(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let present = Set(names)
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
            .filter { present.contains($0 + ".pcap") }.sorted()
    }

    static func manifestStreamPath(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url),
            let manifest = try? JSONDecoder().decode(CaptureManifest.self, from: data)
        else { return nil }
        return manifest.streamPath
    }

    /// Blocking work on a global queue, not on a cooperative task thread.
    static func offLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    // MARK: start-up recovery

    /// Rows a crash left `recording` or `processing` are post-processed from their raw captures (a capture cut
    /// short is read as far as it goes), or marked failed with the reason. Returns how many were found.
    @discardableResult
    public func recoverInterrupted() async -> Int {
        let rows: [MeetingRecordingRecord]
        do {
            rows = try store.recordings(inStates: [MeetingRecordingState.recording, MeetingRecordingState.processing])
        } catch {
            logger.error("recordings not recovered", metadata: ["error": "\(error)"])
            return 0
        }
        var found = 0
        for var row in rows where row.managed && active[row.id] == nil && processing[row.id] == nil {
            found += 1
            if row.state == MeetingRecordingState.recording {
                row.stopReason = "the server stopped while recording (recovered at start-up)"
                row.stoppedAt = clock.now
            }
            row.state = MeetingRecordingState.processing
            persist(row)
            logger.warning("recovering an interrupted recording", metadata: ["recording": "\(row.id)"])
            scheduleProcessing(row, by: "server", recovered: true)
        }
        return found
    }
}
