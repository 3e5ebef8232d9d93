// `capture.*`: the media plane's debug capture (docs/capture-format.md).

import Foundation

extension ParleyConfig {
    /// `capture.*` — decrypted RTP/RTCP of chosen stream paths into pcap files with a JSON manifest.
    public struct Capture: Sendable, Equatable {
        /// Capture every stream path matching `paths` automatically (the API works either way).
        public var enabled: Bool
        /// Globs of stream paths: `*` within a segment, `**` across segments, `?` one character.
        public var paths: [String]
        /// Where captures are written; empty = `<data_dir>/captures`.
        public var dir: String
        /// The most one pcap file may hold, as written (`200MiB`); see ``maxByteCount``.
        public var maxBytes: String

        public init(enabled: Bool = false, paths: [String] = [], dir: String = "", maxBytes: String = "200MiB") {
            self.enabled = enabled
            self.paths = paths
            self.dir = dir
            self.maxBytes = maxBytes
        }

        /// `maxBytes` in bytes (it was checked at load, so a bad value here means a hand-built config: 200 MiB).
        public var maxByteCount: UInt64 { ByteSize.parse(maxBytes) ?? 200 << 20 }

        /// The capture directory: `dir`, or `<data_dir>/captures`.
        public func directory(dataDir: String) -> String {
            dir.isEmpty ? (dataDir.hasSuffix("/") ? dataDir : dataDir + "/") + "captures" : dir
        }
    }
}

/// Sizes as written in the configuration: a whole number of bytes, or with a unit `KiB`, `MiB`, `GiB` (powers of
/// 1024) or `KB`, `MB`, `GB` (powers of 1000), e.g. `200MiB`.
public enum ByteSize {
    public static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 19, let number = UInt64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let multiplier: UInt64
        switch unit {
        case "", "B": multiplier = 1
        case "KiB": multiplier = 1 << 10
        case "MiB": multiplier = 1 << 20
        case "GiB": multiplier = 1 << 30
        case "KB": multiplier = 1_000
        case "MB": multiplier = 1_000_000
        case "GB": multiplier = 1_000_000_000
        default: return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// For `TextCheck`: the problem with `text`, or nil.
    static func problem(_ text: String) -> String? {
        guard let value = parse(text) else {
            return "must be a size such as \"200MiB\", \"1GiB\" or a number of bytes, got \(quotedForMessage(text))"
        }
        return value >= 1024 ? nil : "must be at least 1024 bytes, got \(quotedForMessage(text))"
    }
}
