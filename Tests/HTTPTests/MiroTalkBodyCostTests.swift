import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import ParleyHTTP
import Testing

/// Cheap checks before expensive ones: an `/api/v1` request without the API key is refused before its body is read
/// or parsed, so a large hostile body costs nothing (a 430 KB object of 40,000 keys once took 63 s before its 403).
@Suite("MiroTalk REST: the key is checked before the body is parsed")
struct MiroTalkBodyCostTests {
    typealias F = MiroTalkFixture

    /// `{"k0":0,"k1":1,...}` with `count` distinct keys (about 430 KB for 40,000).
    static func manyKeys(_ count: Int) -> String {
        "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
    }

    @Test("a 40,000-key body without the key → 403 promptly on every keyed route")
    func unauthenticatedBodyIsNotParsed() async throws {
        let body = Self.manyKeys(40_000)
        #expect(body.utf8.count > 400_000)
        let routes: [(String, HTTPRequest.Method)] = [
            ("/api/v1/token", .post), ("/api/v1/join", .post), ("/api/v1/meeting", .post), ("/api/v1/stats", .get),
            ("/api/v1/meetings", .get), ("/api/v1/meeting/room1", .delete),
        ]
        try await F.app().test(.router) { client in
            for (uri, method) in routes {
                let started = ContinuousClock.now
                try await client.execute(
                    uri: uri, method: method, headers: [.contentType: "application/json"],
                    body: F.body(body)
                ) { response in
                    #expect(response.status == .forbidden, "\(method) \(uri)")
                    #expect(response.text == #"{"error":"Unauthorized!"}"#, "\(method) \(uri)")
                }
                // Generous for a debug build on a loaded machine; the quadratic parse took over a minute.
                #expect(ContinuousClock.now - started < .seconds(2), "\(method) \(uri)")
            }
        }
    }

    @Test("a 40,000-key body with the key → a prompt 400 in MiroTalk's {status, message} form, never a long parse")
    func authenticatedBodyIsBounded() async throws {
        let body = Self.manyKeys(40_000)
        try await F.app().test(.router) { client in
            for uri in ["/api/v1/token", "/api/v1/join"] {
                let started = ContinuousClock.now
                try await client.execute(uri: uri, method: .post, headers: F.json, body: F.body(body)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.text == #"{"status":400,"message":"a JSON object with more than 1000 members"}"#)
                }
                #expect(ContinuousClock.now - started < .seconds(2), "\(uri)")
            }
        }
    }
}
