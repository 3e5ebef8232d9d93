import Testing
@testable import ParleyConfig

@Suite("File errors name the key and its line")
struct ErrorTests {
    @Test("an unknown top-level key")
    func unknownTopLevel() throws {
        let error = try #require(loadError("data_dir: /d\nhttpp:\n  listen: :1\n"))
        #expect(error.kind == .unknownKey)
        #expect(error.key == "httpp")
        #expect(error.line == 2)
        #expect(error.description == "config.yaml:2: unknown key 'httpp' (did you mean 'http'?)")
    }

    @Test("an unknown nested key, with a suggestion")
    func unknownNested() throws {
        let error = try #require(
            loadError(
                """
                # comment
                data_dir: /d
                log:
                  level: info
                http:
                  cors: true
                  lissten: :8080
                """))
        #expect(error.description == "config.yaml:7: unknown key 'http.lissten' (did you mean 'http.listen'?)")
        let deep = try #require(loadError("api:\n  allowed:\n    statz: true\n"))
        #expect(deep.description.hasPrefix("config.yaml:3: unknown key 'api.allowed.statz'"))
        let noHint = try #require(loadError("rooms:\n  colour: blue\n"))
        #expect(noHint.description == "config.yaml:2: unknown key 'rooms.colour'")
    }

    @Test("an unknown key inside a list item names the index")
    func unknownInList() throws {
        let error = try #require(
            loadError(
                """
                auth:
                  users:
                    - username: a
                      password: x
                    - username: b
                      pasword: y
                """))
        #expect(error.kind == .unknownKey)
        #expect(error.key == "auth.users[1].pasword")
        #expect(error.line == 6)
        #expect(error.description.hasPrefix("config.yaml:6: unknown key 'auth.users[1].pasword'"))
        let ice = try #require(loadError("webrtc:\n  ice_servers:\n    - urls: stun:x\n      secret: s\n"))
        #expect(ice.description.hasPrefix("config.yaml:4: unknown key 'webrtc.ice_servers[0].secret'"))
        let streamKey = try #require(loadError("stream_auth:\n  keys:\n    rtmp:\n      push: k\n"))
        #expect(streamKey.description.hasPrefix("config.yaml:4: unknown key 'stream_auth.keys.rtmp.push'"))
        let monibucaV5 = try #require(loadError("global:\n  http:\n    listenaddrtls: :8443\n"))
        #expect(monibucaV5.key == "global.http.listenaddrtls")
    }

    @Test("a wrong type names the key, line and value")
    func wrongType() throws {
        let error = try #require(
            loadError(
                """
                http:
                  listen: :8080
                  max_body_bytes: lots
                """))
        #expect(error.kind == .wrongType)
        #expect(error.description == "config.yaml:3: 'http.max_body_bytes' must be an integer, got \"lots\"")
        #expect(
            try #require(loadError("http:\n  cors: maybe\n")).description
                == "config.yaml:2: 'http.cors' must be a boolean, got \"maybe\"")
        #expect(
            try #require(loadError("http: [1, 2]\n")).description
                == "config.yaml:1: 'http' must be a mapping, got a list")
        #expect(
            try #require(loadError("http:\n  cors_origins: https://a\n")).description
                == "config.yaml:2: 'http.cors_origins' must be a list of strings, got \"https://a\"")
        #expect(
            try #require(loadError("http:\n  cors_origins:\n    - https://a\n    - {x: 1}\n")).description
                == "config.yaml:4: 'http.cors_origins[1]' must be a string, got a mapping")
        #expect(
            try #require(loadError("data_dir: {a: b}\n")).description
                == "config.yaml:1: 'data_dir' must be a string, got a mapping")
        #expect(
            try #require(loadError("rooms:\n  require_token:\n")).description
                == "config.yaml:2: 'rooms.require_token' must be a boolean, got null")
        #expect(
            try #require(loadError("recording:\n  max_duration: soon\n")).description.hasPrefix(
                "config.yaml:2: 'recording.max_duration' must be a duration"))
        #expect(try #require(loadError("recording: {formats: [mp4]}\n")).description.contains("recording.formats"))
        #expect(
            try #require(loadError("auth:\n  users: {admin: x}\n")).description
                == "config.yaml:2: 'auth.users' must be a list, got a mapping")
        #expect(try #require(loadError("[1, 2]\n")).kind == .wrongType)
    }

    @Test(
        "invalid values are refused with key and line",
        arguments: [
            ("http:\n  listen: \":70000\"\n", "http.listen", 2),
            ("http:\n  listen: \"::1:80\"\n", "http.listen", 2),
            ("log:\n  level: loud\n", "log.level", 2),
            ("jwt:\n  expire: forever\n", "jwt.expire", 2),
            ("jwt:\n  expire: -5\n", "jwt.expire", 2),
            ("jwt:\n  expire: \"-1h\"\n", "jwt.expire", 2),
            ("http:\n  max_body_bytes: -1\n", "http.max_body_bytes", 2),
            ("auth:\n  expire: 0\n", "auth.expire", 2),
            ("rooms:\n  max_participants: -3\n", "rooms.max_participants", 2),
            ("webrtc:\n  udp_port: 65536\n", "webrtc.udp_port", 2),
            ("data_dir: ''\n", "data_dir", 1),
            ("http:\n  public_url: ftp://x\n", "http.public_url", 2),
            ("auth:\n  exclude: [api/login]\n", "auth.exclude", 2),
            ("auth:\n  users:\n    - username: a\n", "auth.users[0]", 3),
            ("auth:\n  users:\n    - {username: a, password: x, password_hash: 'sha256:1'}\n", "auth.users[0]", 3),
            ("auth:\n  users:\n    - {username: a, password_hash: md5:1}\n", "auth.users[0].password_hash", 3),
            (
                "auth:\n  users:\n    - {username: a, password_hash: \"$2b$10$abcdefghijklmnopqrstuu\"}\n",
                "auth.users[0].password_hash", 3
            ),
            (
                "auth:\n  users:\n    - {username: a, password_hash: \"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA\"}\n",
                "auth.users[0].password_hash", 3
            ),
            ("auth:\n  users:\n    - {username: a, password_hash: \"sha256:abc\"}\n", "auth.users[0].password_hash", 3),
            (
                "auth:\n  users:\n    - {username: a, password_hash: \"pbkdf2-sha256$10$c2FsdA==$aGFzaA==\"}\n",
                "auth.users[0].password_hash", 3
            ),
            (
                "auth:\n  users:\n    - {username: a, password: x}\n    - {username: a, password: y}\n",
                "auth.users[1]", 4
            ),
            ("webrtc:\n  ice_servers:\n    - urls: http://x\n", "webrtc.ice_servers[0].urls", 3),
            ("webrtc:\n  ice_servers:\n    - username: u\n", "webrtc.ice_servers[0]", 3),
        ])
    func invalidValue(yaml: String, key: String, line: Int) throws {
        let error = try #require(loadError(yaml))
        #expect(error.kind == .invalidValue)
        #expect(error.key == key)
        #expect(error.line == line)
        #expect(error.description.hasPrefix("config.yaml:\(line): '\(key)' "))
    }

    @Test("invalid YAML syntax is an error with its line")
    func syntax() throws {
        let error = try #require(loadError("http:\n  listen: :8080\n  cors: [true\nlog:\n  level: info\n"))
        #expect(error.kind == .syntax)
        #expect(error.line != nil)
        #expect(error.description.contains("invalid YAML"))
        let tabs = try #require(loadError("http:\n\tlisten: :1\n"))
        #expect(tabs.kind == .syntax)
        #expect(tabs.line == 2)
        let duplicate = try #require(loadError("http:\n  cors: true\n  cors: false\n"))
        #expect(duplicate.kind == .syntax)
        #expect(duplicate.description.contains("duplicate key 'cors'"))
    }

    @Test("errors in a real file carry its path")
    func pathInMessage() throws {
        let path = try temporaryConfigFile("http:\n  lissten: :1\n")
        do {
            _ = try ConfigLoader.load(file: path, environment: [:], overrides: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("\(path):2: unknown key 'http.lissten'"))
        }
    }
}
