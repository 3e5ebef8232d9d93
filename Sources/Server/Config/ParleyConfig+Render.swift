// `parley-server --print-config`: the effective configuration as YAML, every key, snake_case.

extension ParleyConfig {
    /// Shown instead of a secret that is set, when masking.
    public static let maskedSecret = "********"
    /// Shown for a secret that Parley generates on first start (`api.key_secret`, `jwt.secret`, `auth.secret`).
    public static let generatedSecretNote = "(generated at first start)"

    /// The effective configuration as YAML. With `maskSecrets` (the default) secrets read `********` when set and
    /// `(generated at first start)` when left to Parley; without it, loading the output gives an equal configuration.
    public func renderYAML(maskSecrets: Bool = true) -> String {
        var out = YAMLWriter()
        out.comment(maskSecrets ? "Parley effective configuration (secrets masked)" : "Parley effective configuration")
        func secret(_ value: String?, generated: Bool) -> String {
            guard let value else {
                return maskSecrets && generated ? YAMLWriter.quoted(Self.generatedSecretNote) : "null"
            }
            return YAMLWriter.quoted(maskSecrets ? Self.maskedSecret : value)
        }
        func bool(_ value: Bool) -> String { value ? "true" : "false" }

        out.open("http", indent: 0)
        out.scalar("listen", YAMLWriter.quoted(http.listen.description), indent: 2)
        out.scalar("cors", bool(http.cors), indent: 2)
        out.stringList("cors_origins", http.corsOrigins, indent: 2)
        out.scalar("public_url", YAMLWriter.quoted(http.publicURL), indent: 2)
        out.scalar("max_body_bytes", String(http.maxBodyBytes), indent: 2)
        out.scalar("immediate_routes", bool(http.immediateRoutes), indent: 2)
        out.open("tls", indent: 0)
        out.scalar("cert", YAMLWriter.quoted(tls.cert), indent: 2)
        out.scalar("key", YAMLWriter.quoted(tls.key), indent: 2)
        out.scalar("data_dir", YAMLWriter.quoted(dataDir), indent: 0)
        out.open("log", indent: 0)
        out.scalar("level", YAMLWriter.quoted(log.level.rawValue), indent: 2)

        out.open("api", indent: 0)
        out.scalar("key_secret", secret(api.keySecret, generated: true), indent: 2)
        out.open("allowed", indent: 2)
        let allowed = api.allowed
        for (key, value) in [
            ("stats", allowed.stats), ("meetings", allowed.meetings), ("meeting", allowed.meeting),
            ("meeting_end", allowed.meetingEnd), ("join", allowed.join), ("token", allowed.token),
            ("active_rooms", allowed.activeRooms),
        ] {
            out.scalar(key, bool(value), indent: 4)
        }
        out.open("jwt", indent: 0)
        out.scalar("secret", secret(jwt.secret, generated: true), indent: 2)
        let expire: String =
            switch jwt.expire.spelling {
            case .seconds: jwt.expire.description
            case .text(let text): YAMLWriter.quoted(text)
            }
        out.scalar("expire", expire, indent: 2)

        out.open("auth", indent: 0)
        out.scalar("enabled", bool(auth.enabled), indent: 2)
        out.scalar("secret", secret(auth.secret, generated: true), indent: 2)
        out.scalar("expire", String(auth.expire), indent: 2)
        out.stringList("exclude", auth.exclude, indent: 2)
        out.mappingList("users", auth.users, indent: 2) { writer, user, indent in
            writer.scalar("username", YAMLWriter.quoted(user.username), indent: indent)
            writer.scalar("password", secret(user.password, generated: false), indent: indent)
            writer.scalar("password_hash", secret(user.passwordHash, generated: false), indent: indent)
        }

        out.open("stream_auth", indent: 0)
        out.scalar("enabled", bool(streamAuth.enabled), indent: 2)
        if streamAuth.keys.isEmpty {
            out.scalar("keys", "{}", indent: 2)
        } else {
            out.open("keys", indent: 2)
            for plugin in streamAuth.keys.keys.sorted() {
                guard let keys = streamAuth.keys[plugin] else { continue }
                out.open(plugin, indent: 4)
                out.scalar("publish", secret(keys.publish, generated: false), indent: 6)
                out.scalar("subscribe", secret(keys.subscribe, generated: false), indent: 6)
            }
        }

        out.open("rooms", indent: 0)
        out.scalar("require_token", bool(rooms.requireToken), indent: 2)
        out.scalar("first_is_presenter", bool(rooms.firstIsPresenter), indent: 2)
        out.scalar("max_participants", String(rooms.maxParticipants), indent: 2)
        for (key, value) in [
            ("max_connections_per_address", rooms.maxConnectionsPerAddress),
            ("session_token_expire", rooms.sessionTokenExpire),
            ("chat_per_second", rooms.chatPerSecond), ("chat_burst", rooms.chatBurst),
            ("transcript_per_second", rooms.transcriptPerSecond),
            ("transcript_burst", rooms.transcriptBurst),
            ("transcript_max_bytes", rooms.transcriptMaxBytes),
            ("actions_per_second", rooms.actionsPerSecond), ("actions_burst", rooms.actionsBurst),
            ("password_max_failures", rooms.passwordMaxFailures),
            ("password_window", rooms.passwordWindow),
        ] {
            out.scalar(key, String(value), indent: 2)
        }

        out.open("webrtc", indent: 0)
        out.scalar("udp_port", String(webrtc.udpPort), indent: 2)
        out.stringList("announce", webrtc.announce, indent: 2)
        out.scalar("max_unconnected_per_address", String(webrtc.maxUnconnectedPerAddress), indent: 2)
        out.scalar("max_unconnected", String(webrtc.maxUnconnected), indent: 2)
        out.scalar("max_sessions_per_path", String(webrtc.maxSessionsPerPath), indent: 2)
        out.scalar("connect_timeout", String(webrtc.connectTimeout), indent: 2)
        out.mappingList("ice_servers", webrtc.iceServers, indent: 2) { writer, server, indent in
            writer.stringList("urls", server.urls, indent: indent)
            writer.scalar("username", server.username.map(YAMLWriter.quoted) ?? "null", indent: indent)
            writer.scalar("credential", secret(server.credential, generated: false), indent: indent)
        }

        out.open("recording", indent: 0)
        out.scalar("enabled", bool(recording.enabled), indent: 2)
        out.scalar("dir", YAMLWriter.quoted(recording.dir), indent: 2)
        out.scalar("max_duration", YAMLWriter.quoted(recording.maxDuration), indent: 2)
        out.scalar("max_bytes", YAMLWriter.quoted(recording.maxBytes), indent: 2)
        out.scalar("retention", YAMLWriter.quoted(recording.retention), indent: 2)
        out.open("capture", indent: 0)
        out.scalar("enabled", bool(capture.enabled), indent: 2)
        out.stringList("paths", capture.paths, indent: 2)
        out.scalar("dir", YAMLWriter.quoted(capture.dir), indent: 2)
        out.scalar("max_bytes", YAMLWriter.quoted(capture.maxBytes), indent: 2)
        out.open("cluster", indent: 0)
        let databaseURL =
            maskSecrets ? PostgresURL.masked(cluster.databaseURL, with: Self.maskedSecret) : cluster.databaseURL
        out.scalar("database_url", YAMLWriter.quoted(databaseURL), indent: 2)
        out.scalar("node_id", YAMLWriter.quoted(cluster.nodeID), indent: 2)
        out.scalar("advertise_url", YAMLWriter.quoted(cluster.advertiseURL), indent: 2)
        out.scalar("secret", secret(cluster.secret, generated: true), indent: 2)
        out.scalar("lease_ttl", YAMLWriter.quoted(Interval.render(cluster.leaseTTL)), indent: 2)
        return out.lines.joined(separator: "\n") + "\n"
    }
}

extension ParleyConfig: CustomStringConvertible, CustomDebugStringConvertible {
    /// The masked YAML rendering, so that logging a configuration never prints a secret.
    public var description: String { renderYAML(maskSecrets: true) }
    public var debugDescription: String { renderYAML(maskSecrets: true) }
}
