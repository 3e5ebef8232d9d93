// Every key Parley accepts: the single-valued settings with their environment variables, the structured keys,
// the aliases other servers' users already know, and which flags set which key.

import Foundation

enum ConfigSchema {
    /// Single-valued settings, in the order of the contract table.
    static var settings: [Setting] {
        [
            Setting("http.listen", env: "PARLEY_HTTP_LISTEN", .listen),
            Setting("http.cors", env: "PARLEY_HTTP_CORS", .bool(\.http.cors)),
            Setting("http.cors_origins", env: "PARLEY_HTTP_CORS_ORIGINS", .textList(\.http.corsOrigins, check: origin)),
            Setting("http.public_url", env: "PARLEY_PUBLIC_URL", .text(\.http.publicURL, check: httpURLOrEmpty)),
            Setting(
                "http.max_body_bytes", env: "PARLEY_HTTP_MAX_BODY_BYTES",
                .integer(\.http.maxBodyBytes, range: 1...Int.max)),
            Setting("http.immediate_routes", env: "PARLEY_HTTP_IMMEDIATE_ROUTES", .bool(\.http.immediateRoutes)),
            Setting("tls.cert", env: "PARLEY_TLS_CERT", .text(\.tls.cert, check: { _ in nil })),
            Setting("tls.key", env: "PARLEY_TLS_KEY", .text(\.tls.key, check: { _ in nil })),
            Setting("data_dir", env: "PARLEY_DATA_DIR", .text(\.dataDir, check: nonEmpty)),
            Setting("log.level", env: "PARLEY_LOG_LEVEL", .logLevel),
            Setting("api.key_secret", env: "API_KEY_SECRET", .secret(\.api.keySecret)),
            Setting("api.allowed.stats", env: "API_ALLOW_STATS", .bool(\.api.allowed.stats)),
            Setting("api.allowed.meetings", env: "API_ALLOW_MEETINGS", .bool(\.api.allowed.meetings)),
            Setting("api.allowed.meeting", env: "API_ALLOW_MEETING", .bool(\.api.allowed.meeting)),
            Setting("api.allowed.meeting_end", env: "API_ALLOW_MEETING_END", .bool(\.api.allowed.meetingEnd)),
            Setting("api.allowed.join", env: "API_ALLOW_JOIN", .bool(\.api.allowed.join)),
            Setting("api.allowed.token", env: "API_ALLOW_TOKEN", .bool(\.api.allowed.token)),
            Setting("api.allowed.active_rooms", env: "API_ALLOW_ACTIVE_ROOMS", .bool(\.api.allowed.activeRooms)),
            Setting("jwt.secret", env: "JWT_SECRET", .secret(\.jwt.secret)),
            Setting("jwt.expire", env: "JWT_EXPIRATION", .duration),
            Setting("auth.enabled", env: "PARLEY_AUTH_ENABLED", .bool(\.auth.enabled)),
            Setting("auth.secret", env: "PARLEY_AUTH_SECRET", .secret(\.auth.secret)),
            Setting("auth.expire", .integer(\.auth.expire, range: 1...Int.max)),
            Setting("auth.exclude", .textList(\.auth.exclude, check: pathPrefix)),
            Setting("stream_auth.enabled", .bool(\.streamAuth.enabled)),
            Setting("rooms.require_token", env: "PARLEY_ROOMS_REQUIRE_TOKEN", .bool(\.rooms.requireToken)),
            Setting("rooms.first_is_presenter", .bool(\.rooms.firstIsPresenter)),
            Setting("rooms.max_participants", .integer(\.rooms.maxParticipants, range: 1...Int.max)),
            Setting(
                "rooms.max_connections_per_address", env: "PARLEY_ROOMS_MAX_CONNECTIONS_PER_ADDRESS",
                .integer(\.rooms.maxConnectionsPerAddress, range: 1...Int.max)),
            Setting("rooms.session_token_expire", .integer(\.rooms.sessionTokenExpire, range: 1...Int.max)),
            Setting("rooms.chat_per_second", .integer(\.rooms.chatPerSecond, range: 1...Int.max)),
            Setting("rooms.chat_burst", .integer(\.rooms.chatBurst, range: 1...Int.max)),
            Setting("rooms.transcript_per_second", .integer(\.rooms.transcriptPerSecond, range: 1...Int.max)),
            Setting("rooms.transcript_burst", .integer(\.rooms.transcriptBurst, range: 1...Int.max)),
            Setting("rooms.transcript_max_bytes", .integer(\.rooms.transcriptMaxBytes, range: 1...65_536)),
            Setting("rooms.actions_per_second", .integer(\.rooms.actionsPerSecond, range: 1...Int.max)),
            Setting("rooms.actions_burst", .integer(\.rooms.actionsBurst, range: 1...Int.max)),
            Setting("rooms.password_max_failures", .integer(\.rooms.passwordMaxFailures, range: 1...Int.max)),
            Setting("rooms.password_window", .integer(\.rooms.passwordWindow, range: 1...Int.max)),
            Setting("webrtc.udp_port", env: "PARLEY_WEBRTC_UDP_PORT", .integer(\.webrtc.udpPort, range: 0...65_535)),
            Setting("webrtc.announce", env: "PARLEY_WEBRTC_ANNOUNCE", .textList(\.webrtc.announce, check: address)),
            Setting(
                "webrtc.max_unconnected_per_address",
                .integer(\.webrtc.maxUnconnectedPerAddress, range: 1...1_000_000)),
            Setting("webrtc.max_unconnected", .integer(\.webrtc.maxUnconnected, range: 1...1_000_000)),
            Setting("webrtc.max_sessions_per_path", .integer(\.webrtc.maxSessionsPerPath, range: 1...1_000_000)),
            Setting("webrtc.connect_timeout", .integer(\.webrtc.connectTimeout, range: 1...3_600)),
            Setting("recording.enabled", env: "PARLEY_RECORDING_ENABLED", .bool(\.recording.enabled)),
            Setting("recording.dir", env: "PARLEY_RECORDING_DIR", .text(\.recording.dir, check: { _ in nil })),
            Setting(
                "recording.max_duration",
                .text(\.recording.maxDuration, check: ParleyConfig.Recording.durationProblem)),
            Setting("recording.max_bytes", .text(\.recording.maxBytes, check: ByteSize.problem)),
            Setting(
                "recording.retention", .text(\.recording.retention, check: ParleyConfig.Recording.durationProblem)),
            Setting("capture.enabled", env: "PARLEY_CAPTURE_ENABLED", .bool(\.capture.enabled)),
            Setting("capture.paths", env: "PARLEY_CAPTURE_PATHS", .textList(\.capture.paths, check: nonEmpty)),
            Setting("capture.dir", env: "PARLEY_CAPTURE_DIR", .text(\.capture.dir, check: { _ in nil })),
            Setting("capture.max_bytes", .text(\.capture.maxBytes, check: ByteSize.problem)),
            Setting(
                "cluster.database_url", env: "PARLEY_CLUSTER_DATABASE_URL",
                .text(\.cluster.databaseURL, check: PostgresURL.problem)),
            Setting("cluster.node_id", env: "PARLEY_CLUSTER_NODE_ID", .text(\.cluster.nodeID, check: nodeID)),
            Setting(
                "cluster.advertise_url", env: "PARLEY_CLUSTER_ADVERTISE_URL",
                .text(\.cluster.advertiseURL, check: httpURLOrEmpty)),
            Setting("cluster.secret", env: "PARLEY_CLUSTER_SECRET", .secret(\.cluster.secret)),
            Setting(
                "cluster.lease_ttl", env: "PARLEY_CLUSTER_LEASE_TTL",
                .interval(\.cluster.leaseTTL, range: .seconds(1)...Duration.seconds(3_600))),
        ]
    }

    static var settingsByKey: [String: Setting] {
        Dictionary(settings.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Keys whose value is a list of mappings or a free-form mapping.
    static let structuredKeys: Set<String> = [
        "auth.users", "stream_auth.keys", "webrtc.ice_servers",
    ]

    /// Canonical keys reachable only through an alias (Monibuca v5's global stream keys).
    static let globalPublishKey = "stream_auth.keys.global.publish"
    static let globalSubscribeKey = "stream_auth.keys.global.subscribe"

    /// Written key → canonical key. MiroTalk's camelCase names, Monibuca v5's `global:` layout, WebRTC spellings.
    static let aliases: [String: String] = [
        "global.http.listenaddr": "http.listen",
        "global.http.cors": "http.cors",
        "global.http.certfile": "tls.cert",
        "global.http.keyfile": "tls.key",
        "global.enableauth": "stream_auth.enabled",
        "global.publish.key": globalPublishKey,
        "global.subscribe.key": globalSubscribeKey,
        "api.keySecret": "api.key_secret",
        "api.allowed.meetingEnd": "api.allowed.meeting_end",
        "api.allowed.activeRooms": "api.allowed.active_rooms",
        "jwt.key": "jwt.secret",
        "jwt.exp": "jwt.expire",
        "webrtc.iceservers": "webrtc.ice_servers",
        "webrtc.iceServers": "webrtc.ice_servers",
    ]

    /// Every key a file may write, canonical or alias.
    static var writableKeys: Set<String> {
        Set(settings.map(\.key)).union(structuredKeys).union(aliases.keys)
    }

    /// Mappings that only group other keys (`http`, `api.allowed`, `global.http`, ...).
    static let sections: Set<String> = {
        var result: Set<String> = []
        for key in writableKeys {
            var parts = key.split(separator: ".").map(String.init)
            while parts.count > 1 {
                parts.removeLast()
                result.insert(parts.joined(separator: "."))
            }
        }
        return result
    }()

    /// The flags of `parley-server` and the key each sets; overrides name the key, errors name the flag.
    static let flags: [String: String] = [
        "http.listen": "--listen",
        "data_dir": "--data-dir",
        "tls.cert": "--tls-cert",
        "tls.key": "--tls-key",
        "log.level": "--log-level",
    ]

    /// Keys at the same level as `written`, for "did you mean" hints.
    static func siblings(of written: String) -> [String] {
        let prefix = parent(of: written)
        return writableKeys.union(sections).filter { parent(of: $0) == prefix }.sorted()
    }

    static func parent(of key: String) -> String {
        guard let dot = key.lastIndex(of: ".") else { return "" }
        return String(key[..<dot])
    }

    // MARK: value checks

    static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? "must not be empty" : nil
    }

    static func httpURLOrEmpty(_ text: String) -> String? {
        guard !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil, !text.contains(" ")
        else {
            return "must be empty or an http:// or https:// URL, got \(quotedForMessage(text))"
        }
        return nil
    }

    /// Node ids travel in URLs, headers and log lines: `[A-Za-z0-9._-]`, at most 64; empty = the default.
    static func nodeID(_ text: String) -> String? {
        let allowed = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
        guard allowed, text.utf8.count <= 64 else {
            return "must be empty or up to 64 characters of A-Z a-z 0-9 . _ -, got \(quotedForMessage(text))"
        }
        return nil
    }

    static func origin(_ text: String) -> String? {
        guard text == "*" || text.contains("://"), !text.contains(" ") else {
            return "must hold origins such as \"https://app.example\", got \(quotedForMessage(text))"
        }
        return nil
    }

    static func pathPrefix(_ text: String) -> String? {
        text.hasPrefix("/") ? nil : "must hold path prefixes starting with '/', got \(quotedForMessage(text))"
    }

    static func address(_ text: String) -> String? {
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            return "must hold IP addresses or host names, got \(quotedForMessage(text))"
        }
        return nil
    }
}

/// Edit distance, for suggesting the key a typo meant.
func editDistance(_ left: String, _ right: String) -> Int {
    let a = Array(left), b = Array(right)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
