import Fixtures
import Foundation
import ParleyConfig
import ParleyRooms
import Testing

@testable import ParleyHTTP

/// `GET /api/streams` on the event loop (no live stream) against the router, JWT layer included.
@Suite("Immediate responses: /api/streams with the Monibuca layers", .serialized)
struct ImmediateStreamsTests {
    typealias Case = ImmediateResponseTests.Case

    static func get(_ target: String, _ headers: [String] = [], method: String = "GET") -> String {
        ImmediateResponseTests.get(target, headers, method: method)
    }

    /// Tokens as the servers' fixed clock sees them (both servers run on `ManualClock()`'s instant).
    static func token(issuedSecondsAgo: TimeInterval = 0, secret: String = "test-auth-secret") -> String {
        let now = ManualClock().now.addingTimeInterval(-issuedSecondsAgo)
        return (try? MonibucaJWT(secret: secret, lifetime: 86_400).issue(username: "admin", now: now).token) ?? ""
    }

    static var cases: [Case] {
        let bearer = "Authorization: Bearer \(token())"
        return ImmediateResponseTests.alsoAfterFirstRequest([
            Case(name: "valid JWT", request: get("/api/streams", [bearer]), immediate: true),
            Case(name: "raw JWT", request: get("/api/streams", ["Authorization: \(token())"]), immediate: true),
            Case(
                name: "JWT due for refresh (New-Token)",
                request: get("/api/streams", ["Authorization: Bearer \(token(issuedSecondsAgo: 86_400 - 600))"]),
                immediate: true),
            Case(
                name: "expired JWT",
                request: get("/api/streams", ["Authorization: Bearer \(token(issuedSecondsAgo: 90_000))"]),
                immediate: true),
            Case(
                name: "wrong signature",
                request: get("/api/streams", ["Authorization: Bearer \(token(secret: "other-secret"))"]),
                immediate: true),
            Case(name: "garbage token", request: get("/api/streams", ["Authorization: Bearer x.y"]), immediate: true),
            Case(name: "no token", request: get("/api/streams"), immediate: true),
            Case(
                name: "origin", request: get("/api/streams", [bearer, "Origin: https://app.example"]), immediate: true),
            Case(name: "query", request: get("/api/streams?page=2", [bearer]), immediate: true),
            Case(
                name: "same token twice (cache)",
                request: get("/api/streams", [bearer]) + get("/api/streams", [bearer]),
                responses: 2, immediate: true),
            Case(name: "trailing slash", request: get("/api/streams/", [bearer]), immediate: false),
            Case(name: "HEAD", request: get("/api/streams", [bearer], method: "HEAD"), heads: [0], immediate: false),
            Case(
                name: "POST", request: get("/api/streams", [bearer, "Content-Length: 0"], method: "POST"),
                immediate: false),
        ])
    }

    @Test("no live stream, auth on: same bytes, answered on the loop")
    func authOn() async throws {
        let fast = try await ImmediateResponseTests.compare(Self.cases, populate: { _ in }, configure: { _ in })
        #expect(
            fast[0].responses.first?.hasSuffix(#"{"code":0,"data":{"streams":[],"total":0},"message":"success"}"#)
                == true,
            "\(fast[0])")
        #expect(fast[2].responses.first?.contains("New-Token: ") == true)
        #expect(fast[3].responses.first?.hasPrefix("HTTP/1.1 401 Unauthorized") == true)
    }

    @Test("auth off, and /api/streams in auth.exclude: same bytes without a token")
    func authOffOrExcluded() async throws {
        let cases = [
            Case(name: "no token", request: Self.get("/api/streams"), immediate: true),
            Case(name: "bad token", request: Self.get("/api/streams", ["Authorization: Bearer x.y"]), immediate: true),
        ]
        let off = try await ImmediateResponseTests.compare(cases, populate: { _ in }) { $0.auth.enabled = false }
        #expect(off[0].responses.first?.hasPrefix("HTTP/1.1 200 OK") == true)
        let excluded = try await ImmediateResponseTests.compare(cases, populate: { _ in }) {
            $0.auth.exclude.append("/api/streams")
        }
        #expect(excluded[1].responses.first?.hasPrefix("HTTP/1.1 200 OK") == true)
    }

    @Test("a live stream: the router answers (the plane's measurements), same bytes")
    func liveStream() async throws {
        let cases = [
            Case(
                name: "valid JWT", request: Self.get("/api/streams", ["Authorization: Bearer \(Self.token())"]),
                immediate: false)
        ]
        let fast = try await ImmediateResponseTests.compare(
            cases,
            populate: { rooms in
                _ = try await rooms.startStream(
                    StreamPath("live/cam")!, publisher: nil, room: nil, codecs: ["opus"])
            }, configure: { _ in })
        #expect(fast[0].responses.first?.contains(#""path":"live/cam""#) == true, "\(fast[0])")
    }
}
