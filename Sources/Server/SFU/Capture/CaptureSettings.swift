/// `capture.*` in the configuration (docs/configuration.md): where debug captures go and how large they may grow.
public struct CaptureSettings: Sendable, Hashable {
    /// `capture.enabled`: capture every stream path matching `paths` automatically, from its first session to
    /// its last. The API (`POST /api/capture/{path}`) works either way.
    public var enabled: Bool
    /// `capture.paths`: globs of stream paths (``StreamPathGlob``).
    public var paths: [String]
    /// `capture.dir`.
    public var directory: String
    /// `capture.max_bytes`: the most one pcap file may hold; further records are dropped and counted.
    public var maxBytes: UInt64
    /// How many captures may be open at once; one more is refused (not a configuration key).
    public var maxOpen: Int

    public init(
        enabled: Bool = false, paths: [String] = [], directory: String = "./data/captures",
        maxBytes: UInt64 = 200 << 20, maxOpen: Int = 16
    ) {
        self.enabled = enabled
        self.paths = paths
        self.directory = directory
        self.maxBytes = maxBytes
        self.maxOpen = maxOpen
    }

    /// True when `capture.enabled` and one of `capture.paths` matches `path`.
    public func capturesAutomatically(_ path: String) -> Bool {
        enabled && paths.contains { StreamPathGlob.matches($0, path) }
    }
}

/// Globs over stream paths: `*` any run of characters within one segment, `**` any run across segments, `?`
/// one character other than `/`; everything else literal.
public enum StreamPathGlob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        matches(Array(pattern.utf8)[...], Array(path.utf8)[...])
    }

    static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case UInt8(ascii: "*"):
            let anySegment = pattern.dropFirst().first == UInt8(ascii: "*")
            let rest = pattern.dropFirst(anySegment ? 2 : 1)
            var candidate = text
            // Bounded by the text length: each step drops one character.
            while true {
                if matches(rest, candidate) { return true }
                guard let next = candidate.first, anySegment || next != slash else { return false }
                candidate = candidate.dropFirst()
            }
        case UInt8(ascii: "?"):
            guard let next = text.first, next != slash else { return false }
            return matches(pattern.dropFirst(), text.dropFirst())
        default:
            guard text.first == first else { return false }
            return matches(pattern.dropFirst(), text.dropFirst())
        }
    }
}
