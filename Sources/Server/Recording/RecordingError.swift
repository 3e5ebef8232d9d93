/// Why a capture could not be turned into a playable file; `description` is the reason a catalogue shows.
public enum RecordingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The manifest is missing, not JSON, or not a `parley-capture` manifest.
    case manifestUnreadable(String)
    /// The manifest's `version` is newer than this reader knows (docs/capture-format.md).
    case unsupportedManifestVersion(Int)
    /// The pcap could not be opened (missing, not a pcap, header cut short).
    case pcapUnreadable(String)
    /// No publisher track with a codec the post-processor can write (Opus, VP8, H264).
    case noRecordableTrack
    /// Tracks were found, but none yielded a single complete sample (no packet, or no keyframe).
    case noMedia
    /// Writing the output file failed.
    case writeFailed(String)

    public var description: String {
        switch self {
        case .manifestUnreadable(let reason): "capture manifest unreadable: \(reason)"
        case .unsupportedManifestVersion(let version): "capture manifest version \(version) is newer than supported"
        case .pcapUnreadable(let reason): "capture pcap unreadable: \(reason)"
        case .noRecordableTrack: "the capture has no Opus, VP8 or H264 track of a publisher"
        case .noMedia: "the capture holds no complete audio frame or video keyframe"
        case .writeFailed(let reason): "writing the recording failed: \(reason)"
        }
    }
}
