import Testing
@testable import ParleyConfig

@Suite("rooms.* limits of the room WebSocket")
struct RoomLimitsConfigTests {
    @Test("defaults, file values, the environment variable, rendering, and refusals of zero or too large")
    func roomLimits() throws {
        let defaults = ParleyConfig().rooms
        #expect(defaults.maxConnectionsPerAddress == 1000 && defaults.sessionTokenExpire == 43_200)
        #expect(defaults.chatPerSecond == 5 && defaults.chatBurst == 20)
        #expect(
            defaults.transcriptPerSecond == 10 && defaults.transcriptBurst == 40 && defaults.transcriptMaxBytes == 4096)
        #expect(defaults.actionsPerSecond == 5 && defaults.actionsBurst == 20)
        #expect(defaults.passwordMaxFailures == 5 && defaults.passwordWindow == 60)

        let yaml = """
            rooms:
              max_connections_per_address: 8
              session_token_expire: 600
              chat_per_second: 2
              chat_burst: 3
              transcript_per_second: 4
              transcript_burst: 5
              transcript_max_bytes: 1000
              actions_per_second: 6
              actions_burst: 7
              password_max_failures: 3
              password_window: 30
            """
        let rooms = try ConfigLoader.load(yaml: yaml).rooms
        #expect(
            rooms
                == ParleyConfig.Rooms(
                    maxConnectionsPerAddress: 8, sessionTokenExpire: 600, chatPerSecond: 2,
                    chatBurst: 3, transcriptPerSecond: 4, transcriptBurst: 5,
                    transcriptMaxBytes: 1000, actionsPerSecond: 6, actionsBurst: 7,
                    passwordMaxFailures: 3, passwordWindow: 30))
        let rendered = ParleyConfig(rooms: rooms).renderYAML()
        #expect(try ConfigLoader.load(yaml: rendered).rooms == rooms)

        let fromEnvironment = try ConfigLoader.load(
            file: nil, environment: ["PARLEY_ROOMS_MAX_CONNECTIONS_PER_ADDRESS": "3"],
            overrides: [:])
        #expect(fromEnvironment.rooms.maxConnectionsPerAddress == 3)

        for (bad, key) in [
            ("rooms:\n  chat_burst: 0\n", "rooms.chat_burst"),
            ("rooms:\n  transcript_max_bytes: 70000\n", "rooms.transcript_max_bytes"),
            ("rooms:\n  session_token_expire: -1\n", "rooms.session_token_expire"),
        ] {
            #expect(loadError(bad)?.description.contains(key) == true, "\(bad)")
        }
    }
}
