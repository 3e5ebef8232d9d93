/// Why the recorder refused a start or a stop (each maps to one HTTP status, ``MeetingAPI``'s and `/mp4`'s).
public enum RecorderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `recording.enabled` is false (403).
    case disabled
    /// The server runs without a media plane (503).
    case unavailable
    /// No such room (404).
    case roomNotFound(String)
    /// Nobody publishes on the stream path (404).
    case noPublisher(String)
    /// A recording of this room or stream path is running (409), with its id.
    case alreadyRecording(id: String)
    /// No such recording (404).
    case notFound
    /// The recording is not running any more (409), with its state.
    case notRecording(state: String)
    /// The catalogue or the disk failed (500).
    case storage(String)

    public var description: String {
        switch self {
        case .disabled: "recording is disabled on this server (recording.enabled: false)"
        case .unavailable: "the media plane is not running"
        case .roomNotFound(let room): "room \(room) not found"
        case .noPublisher(let path): "no publisher on stream path \(path)"
        case .alreadyRecording(let id): "already recording (recording \(id))"
        case .notFound: "recording not found"
        case .notRecording(let state): "the recording is not running (state \(state))"
        case .storage(let reason): reason
        }
    }
}
