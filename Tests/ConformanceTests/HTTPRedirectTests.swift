import Foundation
import Testing
@testable import ParleyConformance

/// Where the runner's HTTP client goes after a `Location` (RFC 9110 §10.2.2): another origin gets a client of its
/// own (a WHIP 307 to another node, RFC 9725 §4.5), a path stays on the target without its base path doubled.
@Suite("HTTP redirects")
struct HTTPRedirectTests {
    static func client(_ url: String) throws -> HTTPClient {
        HTTPClient(target: try Target(url: url), insecure: true, timeoutScale: 2)
    }

    @Test("an absolute URL on another node: a client for that origin, the same deadlines, path and query kept")
    func otherOrigin() throws {
        let client = try Self.client("http://127.0.0.1:18082")
        let next = try #require(client.following("http://127.0.0.1:18081/webrtc/whip/room/R/a?x=1", from: "/w"))
        #expect(next.client.target.url == "http://127.0.0.1:18081")
        #expect(next.client.connectTimeout == client.connectTimeout)
        #expect(next.client.insecure)
        #expect(next.path == "/webrtc/whip/room/R/a?x=1")
        let tls = try #require(client.following("https://[::1]:8443/webrtc/whep/x", from: "/w"))
        #expect(tls.client.target.isTLS && tls.client.target.host.contains("::1") && tls.client.target.port == 8443)
    }

    @Test("the same origin keeps the client; the target's base path is not doubled")
    func sameOrigin() throws {
        let client = try Self.client("http://127.0.0.1:8080/base")
        let absolute = try #require(client.following("http://127.0.0.1:8080/base/webrtc/session/1", from: "/x"))
        #expect(absolute.client.target == client.target)
        #expect(absolute.path == "/webrtc/session/1")
        #expect(client.following("/base/webrtc/session/2", from: "/x")?.path == "/webrtc/session/2")
        #expect(client.following("session/3", from: "/webrtc/whip/live?y=1")?.path == "/webrtc/whip/session/3")
        #expect(client.following("ftp://127.0.0.1/x", from: "/x") == nil)
    }
}
