import Testing
@testable import ParleyConfig

@Suite("Environment variables")
struct EnvironmentTests {
    func load(_ environment: [String: String]) throws -> ParleyConfig {
        try ConfigLoader.load(file: nil, environment: environment, overrides: [:])
    }

    @Test("every PARLEY_* variable sets its key")
    func parleyVariables() throws {
        let config = try load([
            "PARLEY_HTTP_LISTEN": "127.0.0.1:9443",
            "PARLEY_HTTP_CORS": "no",
            "PARLEY_HTTP_CORS_ORIGINS": "https://a.example, https://b.example,,",
            "PARLEY_PUBLIC_URL": "https://meet.example",
            "PARLEY_HTTP_MAX_BODY_BYTES": "2048",
            "PARLEY_TLS_CERT": "/etc/parley/cert.pem",
            "PARLEY_TLS_KEY": "/etc/parley/key.pem",
            "PARLEY_DATA_DIR": "/var/lib/parley",
            "PARLEY_LOG_LEVEL": "DEBUG",
            "PARLEY_AUTH_ENABLED": "0",
            "PARLEY_AUTH_SECRET": "monibuca-secret",
            "PARLEY_ROOMS_REQUIRE_TOKEN": "yes",
            "PARLEY_WEBRTC_UDP_PORT": "40000",
            "PARLEY_WEBRTC_ANNOUNCE": "203.0.113.7,2001:db8::7",
            "PARLEY_HTTP_IMMEDIATE_ROUTES": "false",
        ])
        #expect(config.http.listen == ListenAddress(host: "127.0.0.1", port: 9443))
        #expect(config.http.immediateRoutes == false)
        #expect(config.http.cors == false)
        #expect(config.http.corsOrigins == ["https://a.example", "https://b.example"])
        #expect(config.http.publicURL == "https://meet.example")
        #expect(config.http.maxBodyBytes == 2048)
        #expect(config.tls.cert == "/etc/parley/cert.pem")
        #expect(config.tls.key == "/etc/parley/key.pem")
        #expect(config.dataDir == "/var/lib/parley")
        #expect(config.log.level == .debug)
        #expect(config.auth.enabled == false)
        #expect(config.auth.secret == "monibuca-secret")
        #expect(config.rooms.requireToken == true)
        #expect(config.webrtc.udpPort == 40000)
        #expect(config.webrtc.announce == ["203.0.113.7", "2001:db8::7"])
    }

    @Test("MiroTalk's variables set api.* and jwt.*")
    func miroTalkVariables() throws {
        let config = try load([
            "API_KEY_SECRET": "mirotalksfu_default_secret",
            "API_ALLOW_STATS": "false", "API_ALLOW_MEETINGS": "true", "API_ALLOW_MEETING": "FALSE",
            "API_ALLOW_MEETING_END": "1", "API_ALLOW_JOIN": "no", "API_ALLOW_TOKEN": "Yes",
            "API_ALLOW_ACTIVE_ROOMS": "true",
            "JWT_SECRET": "mirotalksfu_jwt_secret", "JWT_EXPIRATION": "7d",
        ])
        #expect(config.api.keySecret == "mirotalksfu_default_secret")
        let allowed = config.api.allowed
        #expect(
            [
                allowed.stats, allowed.meetings, allowed.meeting, allowed.meetingEnd, allowed.join, allowed.token,
                allowed.activeRooms,
            ] == [false, true, false, true, false, true, true])
        #expect(config.jwt.secret == "mirotalksfu_jwt_secret")
        #expect(config.jwt.expire.seconds == 604_800)
    }

    @Test("JWT_EXPIRATION of digits is milliseconds, as in MiroTalk")
    func jwtExpirationDigits() throws {
        #expect(try load(["JWT_EXPIRATION": "60000"]).jwt.expire.seconds == 60)
    }

    @Test("every variable in the table is read")
    func variableList() {
        let names = Set(ConfigLoader.environmentVariables.map(\.variable))
        #expect(
            names == [
                "PARLEY_HTTP_LISTEN", "PARLEY_HTTP_CORS", "PARLEY_HTTP_CORS_ORIGINS", "PARLEY_PUBLIC_URL",
                "PARLEY_HTTP_MAX_BODY_BYTES", "PARLEY_HTTP_IMMEDIATE_ROUTES", "PARLEY_TLS_CERT", "PARLEY_TLS_KEY",
                "PARLEY_DATA_DIR",
                "PARLEY_LOG_LEVEL",
                "API_KEY_SECRET", "API_ALLOW_STATS", "API_ALLOW_MEETINGS", "API_ALLOW_MEETING", "API_ALLOW_MEETING_END",
                "API_ALLOW_JOIN", "API_ALLOW_TOKEN", "API_ALLOW_ACTIVE_ROOMS", "JWT_SECRET", "JWT_EXPIRATION",
                "PARLEY_AUTH_ENABLED", "PARLEY_AUTH_SECRET", "PARLEY_ROOMS_REQUIRE_TOKEN",
                "PARLEY_ROOMS_MAX_CONNECTIONS_PER_ADDRESS", "PARLEY_WEBRTC_UDP_PORT",
                "PARLEY_CLUSTER_DATABASE_URL", "PARLEY_CLUSTER_NODE_ID", "PARLEY_CLUSTER_ADVERTISE_URL",
                "PARLEY_CLUSTER_SECRET", "PARLEY_CLUSTER_LEASE_TTL",
                "PARLEY_WEBRTC_ANNOUNCE", "PARLEY_CAPTURE_ENABLED", "PARLEY_CAPTURE_PATHS", "PARLEY_CAPTURE_DIR",
                "PARLEY_RECORDING_ENABLED", "PARLEY_RECORDING_DIR",
            ])
    }

    @Test("an empty variable counts as unset")
    func emptyIsUnset() throws {
        #expect(try load(["API_KEY_SECRET": "", "PARLEY_HTTP_LISTEN": ""]) == ParleyConfig())
    }

    @Test(
        "a bad value names the variable and the key",
        arguments: [
            ("PARLEY_HTTP_MAX_BODY_BYTES", "lots", ConfigError.Kind.wrongType),
            ("PARLEY_HTTP_CORS", "maybe", .wrongType),
            ("PARLEY_HTTP_LISTEN", ":99999", .invalidValue),
            ("PARLEY_LOG_LEVEL", "loud", .invalidValue),
            ("JWT_EXPIRATION", "forever", .invalidValue),
            ("PARLEY_WEBRTC_UDP_PORT", "70000", .invalidValue),
            ("PARLEY_HTTP_MAX_BODY_BYTES", "-1", .invalidValue),
            ("PARLEY_PUBLIC_URL", "meet.example", .invalidValue),
        ])
    func badValue(variable: String, value: String, kind: ConfigError.Kind) throws {
        let error = try #require(loadError(environment: [variable: value]))
        #expect(error.kind == kind)
        #expect(error.source == .environment(variable: variable))
        #expect(error.description.hasPrefix("environment variable \(variable): '"))
        #expect(error.description.contains(value))
    }

    @Test("PARLEY_CONFIG names the file when no --config is given")
    func configPathVariable() throws {
        let path = try temporaryConfigFile("data_dir: /srv/parley\n")
        let config = try ConfigLoader.load(file: nil, environment: ["PARLEY_CONFIG": path], overrides: [:])
        #expect(config.dataDir == "/srv/parley")
        let other = try temporaryConfigFile("data_dir: /srv/other\n")
        #expect(try ConfigLoader.load(file: other, environment: ["PARLEY_CONFIG": path]).dataDir == "/srv/other")
    }
}

@Suite("Precedence: flag > environment > file > default")
struct PrecedenceTests {
    @Test("each layer overrides the one below it, key by key")
    func layers() throws {
        let path = try temporaryConfigFile(
            """
            http:
              listen: 127.0.0.1:1111
              max_body_bytes: 100
            data_dir: /from/file
            log:
              level: warning
            rooms:
              max_participants: 5
            """)
        let environment = ["PARLEY_HTTP_LISTEN": "127.0.0.1:2222", "PARLEY_DATA_DIR": "/from/env"]
        let overrides = ["http.listen": "[::1]:3333"]
        let config = try ConfigLoader.load(file: path, environment: environment, overrides: overrides)
        #expect(config.http.listen == ListenAddress(host: "::1", port: 3333)) // flag beats env and file
        #expect(config.dataDir == "/from/env") // env beats file
        #expect(config.http.maxBodyBytes == 100) // file beats default
        #expect(config.log.level == .warning)
        #expect(config.rooms.maxParticipants == 5)
        #expect(config.http.cors == true) // default
    }

    @Test("the five flags of the command line set their keys")
    func flags() throws {
        let config = try ConfigLoader.load(
            file: nil, environment: ["PARLEY_LOG_LEVEL": "error"],
            overrides: [
                "http.listen": "0.0.0.0:8443", "data_dir": "/d", "tls.cert": "c.pem", "tls.key": "k.pem",
                "log.level": "trace",
            ])
        #expect(config.http.listen == ListenAddress(host: "0.0.0.0", port: 8443))
        #expect(config.dataDir == "/d")
        #expect(config.tls.cert == "c.pem")
        #expect(config.tls.key == "k.pem")
        #expect(config.log.level == .trace)
    }

    @Test("a bad flag value names the flag; an unknown override key is refused")
    func badFlags() throws {
        let error = try #require(loadError(environment: [:], overrides: ["http.listen": "nowhere"]))
        #expect(error.source == .flag(name: "--listen"))
        #expect(error.description.hasPrefix("flag --listen: 'http.listen' is not a listen address"))
        let unknown = try #require(loadError(environment: [:], overrides: ["http.lisen": ":1"]))
        #expect(unknown.kind == .unknownKey)
        #expect(unknown.key == "http.lisen")
    }

    @Test("tls.cert without tls.key is refused, naming where the cert came from")
    func tlsPair() throws {
        let error = try #require(loadError(environment: [:], overrides: ["tls.cert": "c.pem"]))
        #expect(error.kind == .invalidValue)
        #expect(error.key == "tls.cert")
        #expect(error.source == .flag(name: "--tls-cert"))
        let fileError = try #require(loadError("tls:\n  key: k.pem\n"))
        #expect(fileError.description.hasPrefix("config.yaml:2: 'tls.key' is set but 'tls.cert' is empty"))
    }
}
