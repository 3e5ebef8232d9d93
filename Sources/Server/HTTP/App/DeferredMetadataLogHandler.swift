import Logging

/// `StreamLogHandler`'s output, byte for byte, with its metadata rendered only when a line is written.
/// `StreamLogHandler` re-renders (sorts, formats, joins) all of its metadata on every metadata change, and
/// Hummingbird sets `hb.request.id` on every request's logger: at `--log-level error` that rendering is work
/// for a line that is never written (about 3% of a request's CPU on `/api/v1/stats`). Here a change is a
/// dictionary store; the wrapped handler, which holds no metadata of its own, receives the merged metadata as the
/// line's metadata and renders it exactly as it would have rendered its own (sorted `key=value` pairs, the line's
/// values winning over the handler's).
public struct DeferredMetadataLogHandler: LogHandler {
    private var output: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(wrapping output: StreamLogHandler) {
        self.output = output
        // The wrapped handler's own metadata stays empty, so it never renders it ahead of a line.
        self.metadata = output.metadata
        self.output.metadata = [:]
    }

    public static func standardError(label: String) -> Self {
        Self(wrapping: StreamLogHandler.standardError(label: label))
    }

    public var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { output.metadataProvider }
        set { output.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, line in line }
        }
        output.log(event: event)
    }
}
