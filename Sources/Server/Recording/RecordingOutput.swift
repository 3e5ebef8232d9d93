/// What the post-processor wrote: one playable file of one publication.
public struct RecordingOutput: Sendable, Hashable {
    /// The file's path (`<outputDirectory>/<stem>.<format>`).
    public var path: String
    public var format: RecordingFormat
    public var contentType: String
    /// From the first to the end of the last sample of any track.
    public var durationSeconds: Double
    public var sizeBytes: UInt64
    /// The codec names of the tracks written, as in the capture manifest (`"opus"`, `"VP8"`, `"H264"`).
    public var tracks: [String]

    public init(
        path: String, format: RecordingFormat, durationSeconds: Double, sizeBytes: UInt64, tracks: [String]
    ) {
        self.path = path
        self.format = format
        self.contentType = format.contentType
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.tracks = tracks
    }
}
