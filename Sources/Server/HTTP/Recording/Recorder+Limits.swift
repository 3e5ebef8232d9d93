import Foundation
import ParleyStore

/// `recording.max_duration` and `recording.max_bytes` stop a running recording (it is kept: `ready`, with the
/// reason in `stop_reason`); `recording.retention` deletes finished recordings older than it.
extension Recorder {
    /// Stops every running recording past a limit. Returns the ids it stopped.
    @discardableResult
    public func enforceLimits() async -> [String] {
        let now = clock.uptime
        var stopped: [String] = []
        for (id, running) in active {
            var reason: String?
            if let limit = settings.maxDurationSeconds, now - running.startedAt >= .milliseconds(Int64(limit * 1000)) {
                reason = "recording.max_duration (\(settings.maxDuration)) reached"
            } else if rawBytes(id) >= settings.maxByteCount {
                reason = "recording.max_bytes (\(settings.maxBytes)) reached"
            }
            guard let reason else { continue }
            if (try? await stop(id, reason: reason, by: "server")) != nil { stopped.append(id) }
        }
        return stopped
    }

    /// What the recording's raw captures hold on disk now.
    func rawBytes(_ id: String) -> UInt64 {
        let folder = directory.appendingPathComponent(id)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") }.reduce(UInt64(0)) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            return total + ((attributes?[.size] as? NSNumber)?.uint64Value ?? 0)
        }
    }

    /// Deletes finished recordings (row, files and raw captures) created longer than `recording.retention` ago.
    @discardableResult
    public func pruneExpired() -> Int {
        guard let keep = settings.retentionSeconds else { return 0 }
        let cutoff = clock.now.addingTimeInterval(-keep)
        var pruned = 0
        do {
            for row in try store.recordings()
            where row.managed && row.createdAt < cutoff
                && (row.state == MeetingRecordingState.ready || row.state == MeetingRecordingState.failed)
            {
                _ = try store.deleteRecording(row.id, in: directory)
                pruned += 1
            }
        } catch {
            logger.error("recording retention failed", metadata: ["error": "\(error)"])
        }
        if pruned > 0 { logger.info("old recordings deleted", metadata: ["count": "\(pruned)"]) }
        return pruned
    }
}
