/// Which requests belong to the Monibuca face, which need its JWT, and which plugin prefixes Parley does not serve.
/// Classification works on the path's non-empty segments, the way the router matches, so `//api/secret` cannot
/// slip past the auth check while still reaching the `/api/secret` route.
public enum MonibucaPaths {
    /// A Monibuca module Parley does not implement: requests under its prefix get a 501 envelope naming it.
    public struct Module: Sendable, Equatable {
        /// Path segments of the prefix, e.g. ["transcode", "api"].
        public let prefix: [String]
        public let name: String

        public var path: String { "/" + prefix.joined(separator: "/") }
    }

    /// The seed's plugin prefixes that have no implementation here (seed table "Plugin routes").
    public static let unimplementedModules: [Module] = [
        Module(prefix: ["rtmp"], name: "RTMP"),
        Module(prefix: ["rtsp"], name: "RTSP"),
        Module(prefix: ["flv"], name: "HTTP-FLV"),
        Module(prefix: ["hls"], name: "HLS"),
        Module(prefix: ["srt"], name: "SRT"),
        Module(prefix: ["webtransport"], name: "WebTransport"),
        Module(prefix: ["gb28181"], name: "GB28181"),
        Module(prefix: ["snap"], name: "Snapshot Service"),
        Module(prefix: ["transcode", "api"], name: "Audio Transcoding"),
        Module(prefix: ["cluster"], name: "Cluster"),
        Module(prefix: ["live"], name: "Live Plugin"),
        Module(prefix: ["room_report"], name: "Room Reporting"),
    ]

    /// Plugin names `/api/secret?plugin=` accepts: the seed's plugins plus `global` (keys fall back to `global`).
    public static let knownPlugins: Set<String> = [
        "global", "rtmp", "rtsp", "flv", "hls", "webrtc", "srt", "webtransport", "gb28181", "mp4", "snap",
        "transcode", "cluster", "room", "room_report", "live", "meeting",
    ]

    /// Login routes never need a token, whatever `auth.exclude` says (otherwise nobody could ever log in).
    static let loginPaths = ["/api/login", "/api/auth/login"]
    /// The API description is documentation, not an admin action.
    static let publicPaths = loginPaths + ["/api/openapi.yaml", "/meeting/api/openapi.yaml"]

    public static func segments(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// MiroTalk's REST API (`/api/v1`, `/api/v1/...`): its own key and error format, never Monibuca's.
    public static func isMiroTalk(_ segments: [Substring]) -> Bool {
        segments.count >= 2 && segments[0] == "api" && segments[1] == "v1"
    }

    /// Paths whose errors use the Monibuca envelope: `/api/*` (not MiroTalk's), `/config/*`, `/meeting/api/*`
    /// and the unimplemented plugin prefixes.
    public static func usesEnvelope(_ path: String) -> Bool {
        // Runs on every request (envelope and auth middleware): reads the two leading segments in place.
        let (first, second) = leadingSegments(of: path)
        guard let first else { return false }
        if first == "api" { return second != "v1" } // `/api/v1...` is MiroTalk's (isMiroTalk)
        if first == "config" { return true }
        if first == "meeting" { return second == "api" }
        // The MP4 plugin's routes are served (MonibucaMP4) and behind the JWT like the other plugins.
        if first == "mp4" { return true }
        // Only a plugin prefix's own requests (rare) pay for the full split.
        guard unimplementedModules.contains(where: { module in module.prefix.first.map { $0 == first } ?? false })
        else {
            return false
        }
        return module(for: segments(of: path)) != nil
    }

    /// The first two non-empty segments, as `segments(of:)` would give them, without splitting the whole path.
    static func leadingSegments(of path: String) -> (Substring?, Substring?) {
        let utf8 = path.utf8
        let slash = UInt8(ascii: "/")
        var cursor = utf8.startIndex
        func nextSegment() -> Substring? {
            while cursor < utf8.endIndex && utf8[cursor] == slash { cursor = utf8.index(after: cursor) }
            guard cursor < utf8.endIndex else { return nil }
            let start = cursor
            while cursor < utf8.endIndex && utf8[cursor] != slash { cursor = utf8.index(after: cursor) }
            return path[start..<cursor]
        }
        let first = nextSegment()
        return (first, first == nil ? nil : nextSegment())
    }

    /// docs/contracts.md §What the Monibuca JWT protects: the envelope paths, minus `auth.exclude` (prefix match) and
    /// the always-public login and spec paths. `/room/*` and `/webrtc/*` check their own credentials.
    public static func needsToken(_ path: String, exclude: [String]) -> Bool {
        guard usesEnvelope(path) else { return false }
        let normalized = normalize(path)
        if publicPaths.contains(normalized) { return false }
        return !exclude.contains { isExcluded(normalized, by: $0) }
    }

    /// Routes a presenter's room `session_token` may call instead of the JWT: starting and stopping a recording
    /// (both POST).
    public static func takesRoomSessionToken(_ path: String, method: String) -> Bool {
        guard method == "POST" else { return false }
        let parts = segments(of: path)
        guard parts.count >= 3, parts[0] == "meeting", parts[1] == "api", parts[2] == "recordings" else { return false }
        return parts.count == 3 || (parts.count == 5 && parts[4] == "stop")
    }

    /// A recording's download (GET or HEAD), which a `play_token` opens instead of the JWT.
    public static func takesRecordingPlayToken(_ path: String, method: String) -> Bool {
        guard method == "GET" || method == "HEAD" else { return false }
        let parts = segments(of: path)
        return parts.count == 5 && parts[0] == "meeting" && parts[1] == "api" && parts[2] == "recordings"
            && parts[4] == "download"
    }

    /// The unimplemented module `segments` fall under, if any.
    public static func module(for parts: [Substring]) -> Module? {
        unimplementedModules.first { module in
            parts.count >= module.prefix.count
                && zip(module.prefix, parts).allSatisfy { $0 == $1 }
        }
    }

    /// `/` + the non-empty segments, keeping one trailing `/` when the request had one.
    static func normalize(_ path: String) -> String {
        // Already normal (the common case, on every authenticated request): a leading `/` and no empty segment.
        let slash = UInt8(ascii: "/")
        if path.utf8.first == slash,
            !zip(path.utf8, path.utf8.dropFirst()).contains(where: { $0 == slash && $1 == slash })
        {
            return path
        }
        let joined = "/" + segments(of: path).joined(separator: "/")
        return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
    }

    /// `/flv/` excludes `/flv`, `/flv/` and everything below; `/api/login` excludes itself and `/api/login/...`.
    static func isExcluded(_ path: String, by prefix: String) -> Bool {
        guard !prefix.isEmpty else { return false }
        let bare = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        if bare.isEmpty { return true }
        return path == bare || path.hasPrefix(bare + "/")
    }
}
