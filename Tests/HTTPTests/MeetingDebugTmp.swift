import Testing
import HTTPTypes
@Test("tmp debug") func tmpDebug() async throws {
    try await MeetingFixture.make().run { api in
        let a = try await api.send(.get, "/api/streams", authorized: false)
        let b = try await api.send(.get, "/meeting/api/rooms", authorized: false)
        print("DEBUG", a.status, a.text, b.status, b.text, b.headers)
    }
}
