import Fixtures
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ParleyConfig
import ParleyCrypto
import ParleyHTTP
import ParleyRooms
import ParleySFU
import ParleyStore
import ParleyTime

/// Shared set-up for the Monibuca face tests: an in-memory store and registry, a fixed auth secret, one admin
/// user (`admin` / `s3cret`, given as a `sha256:` hash so tests stay fast), and a pinned clock.
enum MonibucaFixture {
    static let authSecret = "monibuca-test-secret"
    static let username = "admin"
    static let password = "s3cret"
    /// 2026-01-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    static var passwordHash: String { "sha256:" + Digest.hex(.sha256, Array(password.utf8)) }

    static func config(_ edit: (inout ParleyConfig) -> Void = { _ in }) -> ParleyConfig {
        var config = ParleyConfig()
        config.auth.users = [.init(username: username, passwordHash: passwordHash)]
        config.streamAuth.keys = [
            "global": .init(publish: "pubkey", subscribe: "subkey"),
            "rtmp": .init(publish: "rtmp-pub", subscribe: nil),
        ]
        edit(&config)
        return config
    }

    /// Services on a manual clock stopped at ``now``, so token and signature times are exact.
    static func services(
        _ config: ParleyConfig, rooms: any RoomDirectory = InMemoryRoomDirectory(),
        clock: any ServerClock = ManualClock(now: now), media: MediaPlane? = nil
    ) throws -> ParleyServices {
        ParleyServices(
            config: config, rooms: rooms, database: try ParleyDatabase.inMemory(),
            secrets: ResolvedSecrets(
                apiKeySecret: "api-key", jwtSecret: "jwt-secret",
                authSecret: authSecret),
            metrics: ParleyMetrics.registry, clock: clock, media: media, logger: Logger(label: "test.monibuca"))
    }

    /// Runs `test` against a router with the Monibuca face first, then the health face and `OtherFaces`.
    static func withRouter(
        _ config: ParleyConfig = config(), rooms: any RoomDirectory = InMemoryRoomDirectory(),
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let services = try services(config, rooms: rooms)
        let router = ParleyServer.makeRouter(
            services: services,
            faces: [
                MonibucaCoreFace(), HealthFace(), OtherFaces(),
            ])
        try await Application(router: router).test(.router, test)
    }

    static func jwt() -> MonibucaJWT { MonibucaJWT(secret: authSecret, lifetime: 86_400) }

    static func token(issuedAt: Date = now) async throws -> String {
        try jwt().issue(username: username, now: issuedAt).token
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        guard let dictionary = object as? [String: Any] else { throw FixtureError.notAnObject }
        return dictionary
    }

    enum FixtureError: Error { case notAnObject }
}

/// Stand-ins for the routes other faces own, to prove the Monibuca middleware leaves them alone.
struct OtherFaces: APIFace {
    func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        router.get("/api/v1/stats") { _, _ in #"{"success":true}"# }
        router.get("/api/v1/fail") { _, _ -> String in throw HTTPError(.forbidden, message: "Unauthorized!") }
        router.get("/room/r1") { _, _ in "room" }
        router.post("/webrtc/whip/live/cam") { _, _ in "whip" }
        router.on("/webrtc/whip/live/cam", method: .options) { _, _ in
            Response(status: .noContent, headers: [.allow: "OPTIONS, POST"])
        }
        router.get("/") { _, _ in "home" }
        router.get("/join") { _, _ in "join" }
        router.get("/meeting/api/rooms") { _, _ in #"{"code":0}"# }
    }
}
