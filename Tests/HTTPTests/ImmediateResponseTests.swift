import Foundation
import NIOCore
import ParleyConfig
import ParleyRooms
import Testing

@testable import ParleyHTTP

/// The event-loop answers (``ImmediateResponseHandler``) against the router's, on the real server: the same bytes
/// but for `Date` and a generated `X-Request-Id`, the same metrics, the same connection handling.
@Suite("Immediate responses: the router's bytes without the router", .serialized)
struct ImmediateResponseTests {
    static let key = "test-api-key"

    static func get(_ target: String, _ headers: [String] = [], method: String = "GET", version: String = "1.1")
        -> String
    {
        "\(method) \(target) HTTP/\(version)\r\nHost: 127.0.0.1\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
    }

    struct Case: Sendable {
        var name: String
        let request: String
        var responses = 1
        var heads: Set<Int> = []
        /// Caller `X-Request-Id` echoed verbatim (compared unmasked).
        var callerID: String?
        /// Whether the event loop answers it (else the router does, in both servers).
        let immediate: Bool
        /// The server closes the connection after the answer (waited for, in both servers).
        var closes = false
        /// Sent, and answered, before `request` on the same connection: the pipeline is set up by then, so
        /// `request`'s plain GETs are answered in front of the codec (``ImmediateFrontHandler``).
        var warmUp: String?
    }

    static var cases: [Case] { alsoAfterFirstRequest(baseCases) }

    /// Each case as the connection's first request (answered behind the codec, by ``ImmediateResponseHandler``)
    /// and again after a first request (answered in front of it, by ``ImmediateFrontHandler``).
    static func alsoAfterFirstRequest(_ base: [Case]) -> [Case] {
        let warmUp = get("/api/v1/stats?first", ["authorization: \(key)"])
        return base
            + base.filter { $0.warmUp == nil && !$0.request.contains("?first") }.map { item in
                var later = item
                later.name += " (after a first request)"
                later.warmUp = warmUp
                later.responses += 1
                later.heads = Set(item.heads.map { $0 + 1 })
                return later
            }
    }

    static var baseCases: [Case] {
        let auth = "authorization: \(key)"
        let stats = "/api/v1/stats"
        let warmUp = get(stats + "?first", [auth])
        return [
            Case(name: "right key", request: get(stats, [auth]), immediate: true),
            Case(name: "wrong key", request: get(stats, ["authorization: nope"]), immediate: true),
            Case(name: "missing key", request: get(stats), immediate: true),
            Case(name: "Bearer key", request: get(stats, ["authorization: Bearer \(key)"]), immediate: true),
            Case(name: "listed origin", request: get(stats, [auth, "Origin: https://app.example"]), immediate: true),
            Case(
                name: "unlisted origin", request: get(stats, [auth, "Origin: https://evil.example"]), immediate: true),
            Case(
                name: "caller request id", request: get(stats, [auth, "X-Request-Id: caller-42"]),
                callerID: "caller-42",
                immediate: true),
            Case(
                name: "unacceptable request id", request: get(stats, [auth, "X-Request-Id: has space"]), immediate: true
            ),
            Case(name: "query string", request: get(stats + "?x=1&y", [auth]), immediate: true),
            Case(name: "Content-Length 0", request: get(stats, [auth, "Content-Length: 0"]), immediate: true),
            Case(name: "keep-alive", request: get(stats, [auth, "Connection: keep-alive"]), immediate: true),
            Case(name: "HTTP/1.0", request: get(stats, [auth], version: "1.0"), immediate: true),
            Case(
                name: "two pipelined", request: get(stats, [auth]) + get(stats, ["Origin: https://app.example"]),
                responses: 2, immediate: true),
            Case(name: "trailing slash", request: get(stats + "/", [auth]), immediate: false),
            Case(name: "HEAD", request: get(stats, [auth], method: "HEAD"), heads: [0], immediate: false),
            Case(name: "POST", request: get(stats, [auth, "Content-Length: 0"], method: "POST"), immediate: false),
            Case(
                name: "body",
                request: get(stats, [auth, "Content-Type: application/json", "Content-Length: 2"]) + "{}",
                immediate: false),
            Case(
                name: "chunked", request: get(stats, [auth, "Transfer-Encoding: chunked"]) + "0\r\n\r\n",
                immediate: false),
            Case(
                name: "Connection: close", request: get(stats, [auth, "Connection: close"]), immediate: false,
                closes: true),
            // Second on its connection: on a first request NIO's upgrade handler takes any Upgrade header.
            Case(
                name: "Upgrade", request: get(stats + "?first", [auth]) + get(stats, [auth, "Upgrade: foo"]),
                responses: 2, immediate: false),
            Case(name: "other route", request: get("/api/v1/meetings", [auth]), immediate: false),
            // After a first request has set the pipeline up, several requests in one read: the answers given in
            // front of the codec (ImmediateFrontHandler) and the ones behind it, in order.
            Case(
                name: "three plain in one read",
                request: get(stats, [auth]) + get(stats, ["Origin: https://app.example"]),
                responses: 3, immediate: true, warmUp: warmUp),
            Case(
                name: "plain, then a tab in a value", request: get(stats, [auth]) + get(stats, [auth, "X-A: b\tc"]),
                responses: 3, immediate: true, warmUp: warmUp),
            Case(
                name: "host without a space", request: "GET \(stats) HTTP/1.1\r\nhost:127.0.0.1\r\n\r\n", responses: 2,
                immediate: true, warmUp: warmUp),
            Case(
                name: "a body, then plain",
                request: get(stats, [auth, "Content-Length: 2"], method: "POST") + "{}" + get(stats, [auth]),
                responses: 3, immediate: false, warmUp: warmUp),
            Case(
                name: "chunked, then plain",
                request: get(stats, [auth, "Transfer-Encoding: chunked"], method: "POST") + "2\r\n{}\r\n0\r\n\r\n"
                    + get(stats, [auth]),
                responses: 3, immediate: false, warmUp: warmUp),
        ]
    }

    /// Two participants in one room, one in another: the counts must show on both paths.
    static func populate(_ rooms: InMemoryRoomDirectory) async throws {
        _ = try await rooms.join(mtRoom("alpha"), mirotalkPeer("u1", name: "One"), createIfMissing: true)
        _ = try await rooms.join(mtRoom("alpha"), mirotalkPeer("u2", name: "Two"), createIfMissing: true)
        _ = try await rooms.join(mtRoom("beta"), mirotalkPeer("u3", name: "Three"), createIfMissing: true)
    }

    /// Every case on both servers, compared; and which path answered it. Returns the event-loop server's replies.
    @discardableResult
    static func compare(
        _ cases: [Case], populate: @escaping @Sendable (InMemoryRoomDirectory) async throws -> Void,
        configure: @escaping @Sendable (inout ParleyConfig) -> Void
    ) async throws -> [RawConnection.Exchange] {
        let plain = try await LiveParley.with(immediate: false, configure: configure) { server in
            try await populate(server.rooms)
            var results: [RawConnection.Exchange] = []
            for item in cases {
                results.append(
                    try await server.exchange(
                        item.request, responses: item.responses, heads: item.heads, warmUp: item.warmUp,
                        closeWithin: item.closes ? .seconds(10) : .milliseconds(100)))
            }
            return results
        }
        let (fast, routerPaths) = try await LiveParley.with(immediate: true, configure: configure) { server in
            try await populate(server.rooms)
            var results: [RawConnection.Exchange] = []
            var routerPaths: [[String]] = []
            for item in cases {
                let before = server.probe.routerPaths.count
                results.append(
                    try await server.exchange(
                        item.request, responses: item.responses, heads: item.heads, warmUp: item.warmUp,
                        closeWithin: item.closes ? .seconds(10) : .milliseconds(100)))
                routerPaths.append(Array(server.probe.routerPaths.dropFirst(before)))
            }
            return (results, routerPaths)
        }
        for (index, item) in cases.enumerated() {
            #expect(!plain[index].responses.isEmpty, "\(item.name): no answer")
            #expect(
                fast[index].masked(keepingRequestID: item.callerID)
                    == plain[index].masked(keepingRequestID: item.callerID),
                "\(item.name)")
            #expect(routerPaths[index].isEmpty == item.immediate, "\(item.name): router saw \(routerPaths[index])")
            #expect(fast[index].closedByServer == item.closes, "\(item.name)")
            if let callerID = item.callerID {
                #expect(fast[index].responses.last?.contains("X-Request-Id: \(callerID)\r\n") == true, "\(item.name)")
            }
        }
        return fast
    }

    static func compareAll(
        statsEnabled: Bool, configure: @escaping @Sendable (inout ParleyConfig) -> Void
    ) async throws {
        let fast = try await compare(cases, populate: populate, configure: configure)
        // The answers themselves are the route's (not two equal errors).
        if statsEnabled {
            #expect(fast[0].responses.first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
            #expect(fast[0].responses.first?.contains(#""totalRooms":2,"totalUsers":3"#) == true, "\(fast[0])")
        } else {
            #expect(fast[0].responses.first?.hasPrefix("HTTP/1.1 403 Forbidden\r\n") == true)
            #expect(fast[0].responses.first?.contains(#"{"success":false,"error":"This endpoint"#) == true)
        }
    }

    @Test("the matrix of requests: same bytes with and without the event-loop path (CORS list, rooms present)")
    func sameBytes() async throws {
        try await Self.compareAll(statsEnabled: true) { config in config.http.corsOrigins = ["https://app.example"] }
    }

    @Test("api.allowed.stats false and CORS off: same bytes")
    func sameBytesDisabled() async throws {
        try await Self.compareAll(statsEnabled: false) { config in
            config.api.allowed.stats = false
            config.http.cors = false
        }
    }

    @Test(
        "pipelined [slow, immediate, immediate]: answers in request order, the ones behind the slow one by the router")
    func pipelinedBehindSlow() async throws {
        try await LiveParley.with(immediate: true) { server in
            let stats = Self.get("/api/v1/stats", ["authorization: \(Self.key)"])
            let reply = try await server.exchange(
                Self.get("/test/slow") + stats + Self.get("/api/v1/stats?second"), responses: 3)
            #expect(reply.responses.count == 3)
            #expect(reply.responses.first?.hasSuffix("\r\n\r\nslow") == true, "\(reply.responses)")
            #expect(
                reply.responses.dropFirst().allSatisfy { $0.contains(#""success":"#) || $0.contains("Unauthorized") })
            #expect(reply.responses[1].hasPrefix("HTTP/1.1 200 OK"))
            #expect(reply.responses[2].hasPrefix("HTTP/1.1 403 Forbidden"))
            #expect(server.probe.routerPaths == ["/test/slow", "/api/v1/stats", "/api/v1/stats"])
        }
    }

    @Test("pipelined [immediate, slow, immediate]: the first on the loop, the rest in order through the router")
    func pipelinedAroundSlow() async throws {
        try await LiveParley.with(immediate: true) { server in
            let stats = Self.get("/api/v1/stats", ["authorization: \(Self.key)"])
            let reply = try await server.exchange(stats + Self.get("/test/slow") + stats, responses: 3)
            #expect(reply.responses.count == 3)
            #expect(reply.responses[0].hasPrefix("HTTP/1.1 200 OK"))
            #expect(reply.responses[1].hasSuffix("\r\n\r\nslow"), "\(reply.responses)")
            #expect(reply.responses[2].hasPrefix("HTTP/1.1 200 OK"))
            #expect(server.probe.routerPaths == ["/test/slow", "/api/v1/stats"])
        }
    }

    /// `hb_requests` for the route, status 200, from `/metrics`.
    static func statsCount(_ server: LiveParley) async throws -> Int {
        let reply = try await server.exchange(get("/metrics"))
        let text = reply.responses.first ?? ""
        for line in text.components(separatedBy: "\n")
        where line.hasPrefix("hb_requests{") && line.contains(#""/api/v1/stats""#) && line.contains(#""200""#)
            && line.contains(#""GET""#)
        {
            return Int(line.split(separator: " ").last ?? "") ?? -1
        }
        return 0
    }

    @Test("/metrics counts N event-loop answers as it counts N router answers")
    func metricsCount() async throws {
        let count = 7
        let request = Self.get("/api/v1/stats", ["authorization: \(Self.key)"])
        var deltas: [Bool: Int] = [:]
        for immediate in [true, false] {
            deltas[immediate] = try await LiveParley.with(immediate: immediate) { server in
                let before = try await Self.statsCount(server)
                let connection = try await server.connect()
                defer { connection.close() }
                for _ in 0..<count { try await connection.send(request) }
                let reply = try await connection.read(responses: count)
                #expect(reply.responses.count == count)
                #expect(server.probe.routerPaths.filter { $0 == "/api/v1/stats" }.isEmpty == immediate)
                return try await Self.statsCount(server) - before
            }
        }
        #expect(deltas[true] == count)
        #expect(deltas[false] == count)
    }

    @Test("idle timeout: a connection served on the loop stays open while used, and closes once idle")
    func idleTimeout() async throws {
        try await LiveParley.with(immediate: true, idleTimeout: .seconds(2)) { server in
            let request = Self.get("/api/v1/stats", ["authorization: \(Self.key)"])
            let connection = try await server.connect()
            defer { connection.close() }
            // Busy for 3 s, longer than the timeout: each request read and answer rearms it.
            for index in 1...12 {
                try await connection.send(request)
                let reply = try await connection.read(responses: index)
                #expect(reply.responses.count == index)
                #expect(!reply.closedByServer)
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(server.probe.routerPaths.isEmpty)
            #expect(try await connection.waitForClose(timeout: .seconds(15)))
        }
    }

    @Test("graceful shutdown closes an idle connection that was served on the loop, and the server stops")
    func gracefulShutdown() async throws {
        let connection = try await LiveParley.with(immediate: true) { server in
            let connection = try await server.connect()
            try await connection.send(Self.get("/api/v1/stats", ["authorization: \(Self.key)"]))
            let reply = try await connection.read(responses: 1)
            #expect(reply.responses.count == 1 && !reply.closedByServer)
            return connection
        }
        // `with` returned: the service group finished its graceful shutdown with the connection open before.
        #expect(try await connection.waitForClose(timeout: .seconds(10)))
    }

    @Test("a change acknowledged by the registry shows in the next event-loop answer")
    func readAfterChange() async throws {
        try await LiveParley.with(immediate: true) { server in
            let request = Self.get("/api/v1/stats", ["authorization: \(Self.key)"])
            for users in 1...3 {
                _ = try await server.rooms.join(
                    mtRoom("room"), mirotalkPeer("u\(users)", name: "U"), createIfMissing: true)
                let reply = try await server.exchange(request)
                #expect(reply.responses.first?.contains(#""totalRooms":1,"totalUsers":\#(users)}"#) == true)
            }
            #expect(server.probe.routerPaths.isEmpty)
        }
    }

    @Test("Date is IMF-fixdate (RFC 9110 §5.6.7)")
    func imfFixdate() {
        #expect(HTTPDateCache.imfFixdate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDateCache.imfFixdate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDateCache.imfFixdate(1_798_761_599) == "Thu, 31 Dec 2026 23:59:59 GMT")
        var cache = HTTPDateCache()
        #expect(cache.value(at: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(cache.value(at: 1) == "Thu, 01 Jan 1970 00:00:01 GMT")
    }

    @Test("/api/v1/stats is outside the Monibuca envelope and JWT, so neither layer has anything to add")
    func outsideMonibucaLayers() {
        #expect(!MonibucaPaths.usesEnvelope("/api/v1/stats"))
        #expect(!MonibucaPaths.needsToken("/api/v1/stats", exclude: []))
    }
}
