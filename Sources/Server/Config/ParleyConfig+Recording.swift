// `recording.*`: meeting recordings (docs/recordings.md).

import Foundation

extension ParleyConfig {
    /// `recording.*` — decrypted RTP of a room's or a stream path's publications, written through the debug capture's
    /// writer and post-processed into MP4/WebM/Ogg when the recording stops.
    public struct Recording: Sendable, Equatable {
        /// Whether recordings may be started at all (REST, room WebSocket, templates, `/mp4` routes).
        public var enabled: Bool
        /// Where recordings go (`<dir>/<recording id>/`); empty = `<data_dir>/recordings`.
        public var dir: String
        /// A recording is stopped (and kept, `ready`) once it has run this long (`ms` syntax, `4h`); `0` = no limit.
        public var maxDuration: String
        /// A recording is stopped once its raw captures hold this many bytes (`2GiB`).
        public var maxBytes: String
        /// Finished recordings older than this are deleted (`30d`); `0` = keep them.
        public var retention: String

        public init(
            enabled: Bool = true, dir: String = "", maxDuration: String = "4h", maxBytes: String = "2GiB",
            retention: String = "30d"
        ) {
            self.enabled = enabled
            self.dir = dir
            self.maxDuration = maxDuration
            self.maxBytes = maxBytes
            self.retention = retention
        }

        /// The recordings directory: `dir`, or `<data_dir>/recordings`.
        public func directory(dataDir: String) -> String {
            dir.isEmpty ? (dataDir.hasSuffix("/") ? dataDir : dataDir + "/") + "recordings" : dir
        }

        /// `maxDuration` in seconds; nil = no limit (`0`). Checked at load, so a bad value means a hand-built config.
        public var maxDurationSeconds: Double? { Self.positiveSeconds(maxDuration) }
        /// `retention` in seconds; nil = keep.
        public var retentionSeconds: Double? { Self.positiveSeconds(retention) }
        /// `maxBytes` in bytes (2 GiB when a hand-built config holds a bad value).
        public var maxByteCount: UInt64 { ByteSize.parse(maxBytes) ?? 2 << 30 }

        static func positiveSeconds(_ text: String) -> Double? {
            guard let seconds = MsDuration.seconds(in: text), seconds > 0 else { return nil }
            return seconds
        }

        /// For `TextCheck`: an `ms` duration, `0` allowed.
        static func durationProblem(_ text: String) -> String? {
            guard let seconds = MsDuration.seconds(in: text), seconds >= 0 else {
                return "must be a duration such as \"4h\", \"30d\" or \"0\" (no limit), got \(quotedForMessage(text))"
            }
            return nil
        }
    }
}
