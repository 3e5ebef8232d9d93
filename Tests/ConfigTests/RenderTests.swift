import Testing
@testable import ParleyConfig

/// A configuration with every field away from its default, secrets set, and awkward strings.
let busyConfig = ParleyConfig(
    http: .init(
        listen: .init(host: "::1", port: 8443), cors: false, corsOrigins: ["https://a.example", "*"],
        publicURL: "https://meet.example", maxBodyBytes: 12),
    tls: .init(cert: "/etc/c.pem", key: "/etc/k.pem"),
    dataDir: "data dir: with \"quotes\" # and hash",
    log: .init(level: .trace),
    api: .init(
        keySecret: "no",
        allowed: .init(
            stats: false, meetings: true, meeting: false, meetingEnd: true,
            join: false, token: true, activeRooms: true)),
    jwt: .init(secret: "0x10", expire: MsDuration("3600")!),
    auth: .init(
        enabled: false, secret: "tab\there\nnewline", expire: 5, exclude: [],
        users: [
            .init(username: "admin", password: "p@ss: word"),
            .init(
                username: "éva",
                passwordHash: "pbkdf2-sha256$210000$c2FsdHNhbHQ=$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
        ]),
    streamAuth: .init(enabled: true, keys: ["global": .init(publish: "pk"), "rtmp plugin": .init(subscribe: "true")]),
    rooms: .init(requireToken: true, firstIsPresenter: false, maxParticipants: 2),
    webrtc: .init(
        udpPort: 0, announce: ["2001:db8::1", "203.0.113.9"],
        iceServers: [
            .init(urls: ["stun:s:3478"]),
            .init(urls: ["turn:t:3478", "turns:t:5349"], username: "u", credential: "c"),
        ]),
    recording: .init(enabled: false, dir: "/tmp/rec", maxDuration: "90m", maxBytes: "1GiB", retention: "0"),
    capture: .init(enabled: true, paths: ["live/*", "room/**"], dir: "/tmp/cap", maxBytes: "1GiB")
)

@Suite("Rendering the effective configuration")
struct RenderTests {
    @Test("defaults render every key in snake_case, with generated secrets noted")
    func defaultsRender() {
        let text = ParleyConfig().renderYAML()
        for key in [
            "http:", "  listen: \":8080\"", "  cors: true", "  cors_origins: []", "  public_url: \"\"",
            "  max_body_bytes: 1048576", "tls:", "  cert: \"\"", "  key: \"\"", "data_dir: \"./data\"",
            "log:", "  level: \"info\"", "api:", "  key_secret: \"(generated at first start)\"",
            "  allowed:", "    stats: true", "    meetings: false", "    meeting: true",
            "    meeting_end: false", "    join: true", "    token: false", "    active_rooms: false",
            "jwt:", "  secret: \"(generated at first start)\"", "  expire: \"1h\"", "auth:",
            "  enabled: true", "  expire: 86400", "  exclude:", "    - \"/api/login\"", "  users: []",
            "stream_auth:", "  keys: {}", "rooms:", "  require_token: false", "  first_is_presenter: true",
            "  max_participants: 1000", "webrtc:", "  udp_port: 9000", "  announce: []", "  ice_servers: []",
            "recording:", "  enabled: true", "  max_duration: \"4h\"", "  max_bytes: \"2GiB\"",
            "  retention: \"30d\"", "capture:", "  enabled: false", "  paths: []", "  dir: \"\"",
            "  max_bytes: \"200MiB\"",
        ] {
            #expect(text.contains(key + "\n"), "missing line \(key)")
        }
    }

    @Test("masked rendering hides every secret and shows nothing secret")
    func masked() {
        let text = busyConfig.renderYAML()
        for secret in ["no\"", "0x10", "tab\\there", "p@ss: word", "pbkdf2-sha256", "\"pk\"", "\"true\"", "\"c\""] {
            #expect(!text.contains(secret), "leaked \(secret)")
        }
        #expect(text.contains("  key_secret: \"********\"\n"))
        #expect(text.contains("  secret: \"********\"\n"))
        #expect(text.contains("      password: \"********\"\n"))
        #expect(text.contains("      password_hash: null\n"))
        #expect(text.contains("      publish: \"********\"\n"))
        #expect(text.contains("      credential: \"********\"\n"))
        #expect(text.contains("  key: \"/etc/k.pem\"\n")) // the TLS key path is not a secret
        #expect("\(busyConfig)" == text)
        #expect(!"\(busyConfig.auth.users[0])".contains("p@ss"))
    }

    @Test("rendering unmasked and loading gives an equal configuration", arguments: [ParleyConfig(), busyConfig])
    func roundTrip(config: ParleyConfig) throws {
        let text = config.renderYAML(maskSecrets: false)
        let loaded = try ConfigLoader.load(yaml: text)
        #expect(loaded == config)
        #expect(loaded.renderYAML(maskSecrets: false) == text)
    }

    @Test("round trip keeps a numeric jwt.expire numeric")
    func numericExpireRoundTrip() throws {
        var config = ParleyConfig()
        config.jwt.expire = MsDuration(seconds: 90)
        let text = config.renderYAML(maskSecrets: false)
        #expect(text.contains("  expire: 90\n"))
        #expect(try ConfigLoader.load(yaml: text) == config)
    }
}
