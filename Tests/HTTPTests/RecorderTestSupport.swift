import Fixtures
import Foundation
import Logging
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import ParleySFU
import ParleyStore
import ParleyTime
import ParleyWire
import Synchronization

/// Stands in for the media plane: a "capture" is a pcap and a manifest file written at once, so the recorder's
/// bookkeeping, post-processing hand-off and crash recovery run without UDP.
final class FakeRecordingCaptures: RecordingCaptureSource {
    let open = Mutex<[String: String]>([:])
    let stopped = Mutex<[String]>([])

    func startRecordingCapture(path: String, directory: String, stem: String, maxBytes: UInt64)
        async throws(CaptureError) -> CaptureInfo
    {
        let pcap = directory + "/" + stem + ".pcap"
        let manifest = directory + "/" + stem + ".json"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(repeating: 7, count: 64).write(to: URL(fileURLWithPath: pcap))
            try Data(#"{"stream_path":"\#(path)"}"#.utf8).write(to: URL(fileURLWithPath: manifest))
        } catch {
            throw .storage("\(error)")
        }
        let taken = open.withLock { open -> Bool in
            guard open[path] == nil else { return true }
            open[path] = stem
            return false
        }
        if taken { throw .alreadyCapturing(path) }
        return CaptureInfo(
            streamPath: path, trigger: "recording", pcapPath: pcap, manifestPath: manifest, startedAt: "now")
    }

    func stopRecordingCapture(path: String, reason: String) async -> CaptureManifest? {
        guard open.withLock({ $0.removeValue(forKey: path) }) != nil else { return nil }
        stopped.withLock { $0.append(path) }
        return nil
    }

    var openPaths: [String] { open.withLock { Array($0.keys).sorted() } }
}

struct FakeProcessorFailure: Error, CustomStringConvertible {
    var description: String { "the capture holds no complete audio frame or video keyframe" }
}

enum RecorderFixture {
    /// Writes `<out>/<stem>.webm` of 1000 bytes ("opus" + "VP8", 5 s); a stem containing "silent" fails.
    static let processor: RecordingProcessor = { manifest, output, stem in
        guard FileManager.default.fileExists(atPath: manifest) else { throw FakeProcessorFailure() }
        if stem.contains("silent") { throw FakeProcessorFailure() }
        let path = output + "/" + stem + ".webm"
        try Data((0..<1000).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: path))
        return ProcessedRecording(
            path: path, format: "webm", contentType: "video/webm", durationSeconds: 5, sizeBytes: 1000,
            tracks: ["opus", "VP8"])
    }

    /// A Meeting fixture whose recorder uses ``FakeRecordingCaptures`` and ``processor`` on `clock`.
    static func make(
        clock: any ServerClock = SystemClock(), dataDirectory: URL? = nil, database: ParleyDatabase? = nil,
        _ edit: (inout ParleyConfig) -> Void = { _ in }
    ) throws -> (MeetingFixture, FakeRecordingCaptures) {
        let directory = try dataDirectory ?? MeetingFixture.temporaryDirectory()
        let rooms = InMemoryRoomDirectory()
        let database = try database ?? .inMemory()
        let config = MeetingFixture.config(dataDirectory: directory, edit)
        let captures = FakeRecordingCaptures()
        let logger = Logger(label: "test.recorder")
        let recorder = Recorder(
            settings: config.recording,
            directory: URL(fileURLWithPath: config.recording.directory(dataDir: config.dataDir)),
            store: MeetingStore(database: database), rooms: rooms, captures: captures, processor: processor,
            clock: clock, logger: logger)
        let services = ParleyServices(
            config: config, rooms: rooms, database: database,
            secrets: ResolvedSecrets(
                apiKeySecret: MeetingFixture.apiKey, jwtSecret: "jwt", authSecret: MeetingFixture.authSecret),
            metrics: ParleyMetrics.registry, clock: clock, logger: logger, recorder: recorder)
        return (MeetingFixture(services: services, rooms: rooms, dataDirectory: directory), captures)
    }
}
