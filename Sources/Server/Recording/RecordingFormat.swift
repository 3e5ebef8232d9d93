/// The container a recording is written in, chosen from its codecs (docs/recording-format.md): H264 → fragmented
/// MP4, VP8 → WebM, audio only → Ogg Opus.
public enum RecordingFormat: String, Sendable, Hashable, CaseIterable {
    case mp4, webm, ogg

    /// The file name extension (without the dot).
    public var fileExtension: String { rawValue }

    /// The media type a browser needs to play the file.
    public var contentType: String {
        switch self {
        case .mp4: "video/mp4"
        case .webm: "video/webm"
        case .ogg: "audio/ogg"
        }
    }
}
