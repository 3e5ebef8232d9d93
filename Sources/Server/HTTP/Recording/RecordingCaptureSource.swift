import ParleySFU
import ParleyWire

/// Where the recorder gets its raw captures: the media plane (``MediaPlane``), or a stand-in in tests.
public protocol RecordingCaptureSource: Sendable {
    /// Starts writing `path`'s publisher to `<directory>/<stem>.pcap` and `.json`.
    func startRecordingCapture(path: String, directory: String, stem: String, maxBytes: UInt64)
        async throws(CaptureError) -> CaptureInfo
    /// Stops it; both files are closed when this returns. Nil when no capture of `path` ran.
    func stopRecordingCapture(path: String, reason: String) async -> CaptureManifest?
}

extension MediaPlane: RecordingCaptureSource {}

/// What the post-processor made of one raw capture.
public struct ProcessedRecording: Sendable, Hashable {
    public var path: String
    /// `mp4`, `webm` or `ogg`.
    public var format: String
    public var contentType: String
    public var durationSeconds: Double
    public var sizeBytes: UInt64
    public var tracks: [String]

    public init(
        path: String, format: String, contentType: String, durationSeconds: Double, sizeBytes: UInt64,
        tracks: [String]
    ) {
        self.path = path
        self.format = format
        self.contentType = contentType
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.tracks = tracks
    }
}

/// Turns `manifestPath`'s capture into `<outputDirectory>/<stem>.<format>` (blocking file I/O: the recorder calls it
/// on a global queue). A thrown error's description is the reason the catalogue shows.
public typealias RecordingProcessor =
    @Sendable (_ manifestPath: String, _ outputDirectory: String, _ stem: String) throws -> ProcessedRecording

/// A change the room hears as the room WebSocket's `record` event.
public struct RecordingAnnouncement: Sendable, Hashable {
    public var roomID: String
    public var recordingID: String
    /// The recording's state after the change (`recording`, `processing`, `ready`, `failed`).
    public var state: String
    /// Who started or stopped it (`api`, `template`, a user id, or the reason the server stopped it).
    public var by: String
}
