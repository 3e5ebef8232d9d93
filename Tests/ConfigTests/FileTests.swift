import Testing
@testable import ParleyConfig

@Suite("Configuration file")
struct FileTests {
    @Test("a file setting every key is read into every field")
    func everyKey() throws {
        let config = try ConfigLoader.load(
            yaml: """
                http:
                  listen: "[::1]:8443"
                  cors: false
                  cors_origins: [https://a.example]
                  public_url: https://meet.example:8443
                  max_body_bytes: 4_096
                tls: {cert: /c.pem, key: /k.pem}
                data_dir: /var/lib/parley
                log: {level: warn}
                api:
                  key_secret: k
                  allowed: {stats: false, meetings: true, meeting: false, meeting_end: true, join: false, token: true,
                            active_rooms: true}
                jwt: {secret: s, expire: 7200}
                auth:
                  enabled: false
                  secret: a
                  expire: 60
                  exclude: [/open/]
                  users:
                    - {username: admin, password: hunter2}
                    - {username: ops, password_hash: "sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}
                stream_auth:
                  enabled: true
                  keys:
                    global: {publish: pk, subscribe: sk}
                    rtmp: {publish: rk}
                rooms: {require_token: true, first_is_presenter: false, max_participants: 10}
                webrtc:
                  udp_port: 0
                  announce: [198.51.100.1]
                  ice_servers:
                    - urls: stun:stun.example:3478
                    - urls: [turn:turn.example:3478?transport=udp, turns:turn.example:5349]
                      username: u
                      credential: c
                recording: {enabled: false, dir: /srv/rec, max_duration: 90m, max_bytes: 1GB, retention: "0"}
                capture: {enabled: true, paths: [live/*], max_bytes: 10MB}
                """)
        #expect(
            config.http
                == .init(
                    listen: .init(host: "::1", port: 8443), cors: false,
                    corsOrigins: ["https://a.example"], publicURL: "https://meet.example:8443",
                    maxBodyBytes: 4096))
        #expect(config.tls == .init(cert: "/c.pem", key: "/k.pem"))
        #expect(config.dataDir == "/var/lib/parley")
        #expect(config.log.level == .warning)
        #expect(
            config.api
                == .init(
                    keySecret: "k",
                    allowed: .init(
                        stats: false, meetings: true, meeting: false,
                        meetingEnd: true, join: false, token: true,
                        activeRooms: true)))
        #expect(config.jwt == .init(secret: "s", expire: MsDuration(seconds: 7200)))
        #expect(
            config.auth
                == .init(
                    enabled: false, secret: "a", expire: 60, exclude: ["/open/"],
                    users: [
                        .init(username: "admin", password: "hunter2"),
                        .init(
                            username: "ops",
                            passwordHash: "sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"),
                    ]))
        #expect(
            config.streamAuth
                == .init(
                    enabled: true,
                    keys: [
                        "global": .init(publish: "pk", subscribe: "sk"),
                        "rtmp": .init(publish: "rk"),
                    ]))
        #expect(config.streamAuth.keys(for: "webrtc") == .init(publish: "pk", subscribe: "sk"))
        #expect(config.rooms == .init(requireToken: true, firstIsPresenter: false, maxParticipants: 10))
        #expect(
            config.webrtc
                == .init(
                    udpPort: 0, announce: ["198.51.100.1"],
                    iceServers: [
                        .init(urls: ["stun:stun.example:3478"]),
                        .init(
                            urls: ["turn:turn.example:3478?transport=udp", "turns:turn.example:5349"], username: "u",
                            credential: "c"),
                    ]))
        #expect(
            config.recording
                == .init(enabled: false, dir: "/srv/rec", maxDuration: "90m", maxBytes: "1GB", retention: "0"))
        #expect(config.recording.maxDurationSeconds == 5400 && config.recording.retentionSeconds == nil)
        #expect(config.capture == .init(enabled: true, paths: ["live/*"], dir: "", maxBytes: "10MB"))
        #expect(config.capture.maxByteCount == 10_000_000)
    }

    @Test("a quoted digits-only jwt.expire is milliseconds, a plain number is seconds")
    func jwtExpireSpelling() throws {
        #expect(try ConfigLoader.load(yaml: "jwt: {expire: \"3600\"}").jwt.expire.seconds == 3.6)
        #expect(try ConfigLoader.load(yaml: "jwt: {expire: 3600}").jwt.expire.seconds == 3600)
        #expect(try ConfigLoader.load(yaml: "jwt: {expire: 2 days}").jwt.expire.seconds == 172_800)
    }

    @Test("null secrets and empty secrets mean generated")
    func nullSecrets() throws {
        let config = try ConfigLoader.load(yaml: "api: {key_secret: null}\njwt: {secret: ''}\nauth: {secret: ~}\n")
        #expect(config.api.keySecret == nil)
        #expect(config.jwt.secret == nil)
        #expect(config.auth.secret == nil)
    }

    @Test("YAML anchors and aliases are followed")
    func anchors() throws {
        let config = try ConfigLoader.load(yaml: "jwt: {secret: &s shared}\nauth: {secret: *s}\n")
        #expect(config.auth.secret == "shared")
    }

    @Test("an unreadable file is a configuration error naming the path")
    func unreadableFile() throws {
        do {
            _ = try ConfigLoader.load(file: "/nonexistent/parley.yaml", environment: [:], overrides: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.description.hasPrefix("/nonexistent/parley.yaml: cannot read"))
        }
    }
}

@Suite("Aliases from MiroTalk and Monibuca")
struct AliasTests {
    @Test("global.http.listenaddr (Monibuca v5) sets http.listen")
    func listenAddr() throws {
        let config = try ConfigLoader.load(yaml: "global:\n  http:\n    listenaddr: :8180\n")
        #expect(config.http.listen == ListenAddress(host: "", port: 8180))
    }

    @Test("Monibuca v5 global http, enableauth and publish/subscribe keys")
    func monibucaGlobal() throws {
        let config = try ConfigLoader.load(
            yaml: """
                global:
                  http: {cors: false, certfile: c.pem, keyfile: k.pem}
                  enableauth: true
                  publish: {key: pub}
                  subscribe: {key: sub}
                """)
        #expect(config.http.cors == false)
        #expect(config.tls == .init(cert: "c.pem", key: "k.pem"))
        #expect(config.streamAuth.enabled)
        #expect(config.streamAuth.keys["global"] == .init(publish: "pub", subscribe: "sub"))
    }

    @Test("MiroTalk camelCase names in api")
    func miroTalkNames() throws {
        let config = try ConfigLoader.load(
            yaml: """
                api:
                  keySecret: mirotalksfu_default_secret
                  allowed: {meetingEnd: true, activeRooms: true}
                """)
        #expect(config.api.keySecret == "mirotalksfu_default_secret")
        #expect(config.api.allowed.meetingEnd)
        #expect(config.api.allowed.activeRooms)
    }

    @Test("MiroTalk jwt.key/jwt.exp and WebRTC iceServers spellings")
    func otherSpellings() throws {
        let config = try ConfigLoader.load(
            yaml: """
                jwt: {key: k, exp: 2h}
                webrtc:
                  iceservers: [{urls: ["stun:s.example"]}]
                """)
        #expect(config.jwt.secret == "k")
        #expect(config.jwt.expire.seconds == 7200)
        #expect(config.webrtc.iceServers == [.init(urls: ["stun:s.example"])])
        let camel = try ConfigLoader.load(yaml: "webrtc: {iceServers: [{urls: stun:x}]}")
        #expect(camel.webrtc.iceServers == [.init(urls: ["stun:x"])])
    }

    @Test("a key set under its name and an alias is refused, naming both")
    func conflict() throws {
        let error = try #require(
            loadError(
                """
                http:
                  listen: :1
                global:
                  http:
                    listenaddr: :2
                """))
        #expect(error.kind == .conflict)
        #expect(error.line == 5)
        #expect(
            error.description == "config.yaml:5: 'global.http.listenaddr' (same as 'http.listen') is set twice; "
                + "first at line 2")
        let keys = try #require(loadError("stream_auth: {keys: {global: {publish: a}}}\nglobal: {publish: {key: b}}"))
        #expect(keys.kind == .conflict)
    }

    @Test("a flag may name a key by its alias")
    func flagAlias() throws {
        let config = try ConfigLoader.load(file: nil, environment: [:], overrides: ["api.keySecret": "x"])
        #expect(config.api.keySecret == "x")
    }
}
