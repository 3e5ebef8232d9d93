/// Why a debug capture could not start or stop (each maps to one HTTP status in the API).
public enum CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A capture of this stream path is running already (409).
    case alreadyCapturing(String)
    /// No capture of this stream path is running (404).
    case notCapturing(String)
    /// The bounded number of open captures is reached (409: the server's state refuses it until one stops).
    case tooMany(Int)
    /// The capture directory or its files could not be written (500).
    case storage(String)

    public var description: String {
        switch self {
        case .alreadyCapturing(let path): "a capture of stream path \(path) is already running"
        case .notCapturing(let path): "no capture of stream path \(path) is running"
        case .tooMany(let limit): "\(limit) captures are open, the most the server keeps; stop one first"
        case .storage(let reason): reason
        }
    }
}
