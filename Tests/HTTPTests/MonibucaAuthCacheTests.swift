import Fixtures
import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyHTTP
import Testing

/// The middleware remembers tokens it has verified; the time checks must still run on every request.
@Suite("Monibuca JWT middleware: verified-token cache")
struct MonibucaAuthCacheTests {
    @Test("a token accepted once is refused as expired once its exp passes, and as not yet valid before its nbf")
    func cachedTokenStillExpires() async throws {
        let clock = ManualClock(now: MonibucaFixture.now)
        let services = try MonibucaFixture.services(MonibucaFixture.config(), clock: clock)
        let router = ParleyServer.makeRouter(services: services, faces: [MonibucaCoreFace(), HealthFace()])
        let token = try await MonibucaFixture.token()
        let later = try await MonibucaFixture.token(issuedAt: MonibucaFixture.now.addingTimeInterval(600))
        try await Application(router: router).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/api/streams", method: .get, headers: MonibucaFixture.bearer(token)) {
                    #expect($0.status == .ok)
                }
            }
            // `later` is verified (and remembered) inside its validity, then presented again before its nbf.
            clock.advance(seconds: 600)
            try await client.execute(uri: "/api/streams", method: .get, headers: MonibucaFixture.bearer(later)) {
                #expect($0.status == .ok)
            }
            clock.advance(seconds: -300)
            try await client.execute(uri: "/api/streams", method: .get, headers: MonibucaFixture.bearer(later)) {
                #expect($0.status == .unauthorized)
                #expect(String(buffer: $0.body).contains("not valid yet"))
            }
            clock.advance(seconds: 86_400)
            try await client.execute(uri: "/api/streams", method: .get, headers: MonibucaFixture.bearer(token)) {
                #expect($0.status == .unauthorized)
                #expect(String(buffer: $0.body).contains("token expired"))
            }
        }
    }
}
