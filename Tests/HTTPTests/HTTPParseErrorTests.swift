import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import ParleyConfig
import Testing
@testable import ParleyHTTP

/// Requests NIO's HTTP parser refuses, sent as raw bytes to the real server (the whole edge: sniffer, upgrade
/// pipeline, faces): each is answered 400 and its connection closed, never 500 or silence.
@Suite("HTTP parse errors")
struct HTTPParseErrorTests {
    /// A malformed chunk size (RFC 9112 §7.1: chunk-size is 1*HEXDIG) on a path whose handler collects the body.
    static func malformedChunked(_ path: String, extraHeaders: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\(extraHeaders)"
            + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
    }

    @Test("a malformed chunked body under a Monibuca path: 400 in the envelope, connection closed")
    func malformedChunkedMonibuca() async throws {
        let reply = try await RawHTTPServer.exchange(Self.malformedChunked("/api/auth/login"))
        #expect(reply.statusLine == "HTTP/1.1 400 Bad Request", "\(reply.text)")
        #expect(reply.body.contains(#""code":400"#), "\(reply.text)")
        #expect(reply.header("connection") == "close")
        #expect(reply.closedByServer)
    }

    @Test("a malformed chunked body under a MiroTalk path: 400 in MiroTalk's shape, connection closed")
    func malformedChunkedMiroTalk() async throws {
        let reply = try await RawHTTPServer.exchange(
            Self.malformedChunked(
                "/api/v1/meeting", extraHeaders: "Authorization: test-api-key\r\n"))
        #expect(reply.statusLine == "HTTP/1.1 400 Bad Request", "\(reply.text)")
        #expect(reply.body.contains(#""status":400"#), "\(reply.text)")
        #expect(reply.closedByServer)
    }

    @Test("a malformed chunked body on a path no face serves: a plain 400, connection closed")
    func malformedChunkedUnknownPath() async throws {
        let reply = try await RawHTTPServer.exchange(Self.malformedChunked("/no/such/route"))
        #expect(reply.statusLine.hasPrefix("HTTP/1.1 4"), "\(reply.text)")
        #expect(reply.closedByServer)
    }

    @Test(
        "a first request asking to upgrade to a protocol no one speaks here is answered as itself (RFC 9110 §7.8)",
        arguments: ["Upgrade: foo", "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings", "Upgrade: foo/2, bar"])
    func unknownUpgradeFirst(_ headers: String) async throws {
        let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n\r\n"
        let reply = try await RawHTTPServer.exchange(
            request + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", quietAfterReply: .seconds(1))
        #expect(reply.statusLine == "HTTP/1.1 200 OK", "\(reply.text)")
        let answers = reply.text.components(separatedBy: "HTTP/1.1 200 OK").count - 1
        if headers.contains("Connection: Upgrade") {
            // With `Connection: upgrade` NIO's parser stops after the head, waiting for the new protocol: the
            // request is answered, and the connection then closes rather than hang.
            #expect(answers == 1 && reply.closedByServer, "\(reply.text)")
        } else {
            #expect(answers == 2, "both answered: \(reply.text)")
        }
    }

    @Test("the upgrade filter keeps an Upgrade that names websocket, in any case and among others")
    func upgradeFilterKeepsWebSocket() {
        for value in ["websocket", "WebSocket", "foo, websocket", "websocket/13"] {
            #expect(FirstRequestUpgradeFilter.asksForUpgradable(["Upgrade": value]), "\(value)")
        }
        for value in ["foo", "h2c", "websockets", ""] {
            #expect(!FirstRequestUpgradeFilter.asksForUpgradable(["Upgrade": value]), "\(value)")
        }
    }

    @Test("a method the parser does not know, as the first request: 400, connection closed")
    func unknownMethodFirst() async throws {
        let reply = try await RawHTTPServer.exchange("CONFORM / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(reply.statusLine == "HTTP/1.1 400 Bad Request", "\(reply.text)")
        #expect(reply.header("connection") == "close")
        #expect(reply.closedByServer)
    }

    @Test("a method the parser does not know after a good request on the same connection: 200 then 400, closed")
    func unknownMethodSecond() async throws {
        let reply = try await RawHTTPServer.exchange(
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nCONFORM / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // The JSON health body has no trailing CRLF, so status lines are counted by their prefix.
        #expect(reply.statusLine == "HTTP/1.1 200 OK", "\(reply.text)")
        #expect(reply.text.components(separatedBy: "HTTP/1.1 ").count == 3, "\(reply.text)")
        #expect(reply.text.hasSuffix("HTTP/1.1 400 Bad Request") || reply.text.contains("HTTP/1.1 400 Bad Request\r\n"))
        #expect(reply.closedByServer)
    }

    @Test("a good request still keeps its connection open (the fix closes only broken ones)")
    func goodRequestKeepsConnection() async throws {
        let reply = try await RawHTTPServer.exchange(
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", quietAfterReply: .milliseconds(500))
        #expect(reply.statusLine == "HTTP/1.1 200 OK", "\(reply.text)")
        #expect(!reply.closedByServer)
    }
}

/// Starts Parley's application on 127.0.0.1 port 0 (plain HTTP), sends raw bytes on one connection and reads
/// until the server closes it (or a deadline passes).
enum RawHTTPServer {
    struct Reply: Sendable {
        var text: String
        var closedByServer: Bool

        var statusLine: String { text.components(separatedBy: "\r\n").first ?? "" }
        var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }

        func header(_ name: String) -> String? {
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    /// `quietAfterReply`: when set, stop this long after the first bytes arrive, whether or not the server closed.
    static func exchange(_ request: String, quietAfterReply: TimeAmount? = nil) async throws -> Reply {
        var config = ParleyConfig()
        config.http.listen = ListenAddress(host: "127.0.0.1", port: 0)
        let services = try TestServices.make(config: config)
        let port = PortWaiter()
        let app = ParleyServer.makeApplication(
            services: services, tls: nil,
            onServerRunning: { channel in await port.set(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            let reply = try await send(request, port: await port.wait(), quietAfterReply: quietAfterReply)
            return reply
        }
    }

    /// Generous deadline: the machine running the tests is loaded; a hang is what the deadline detects.
    static func send(_ request: String, port: Int, quietAfterReply: TimeAmount?) async throws -> Reply {
        let group = MultiThreadedEventLoopGroup.singleton
        let collector = ReplyCollector()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in channel.pipeline.addHandler(collector) }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        let loop = channel.eventLoop
        let deadline = loop.scheduleTask(in: .seconds(10)) { collector.finish(closed: false) }
        if let quietAfterReply {
            _ = try? await collector.firstBytes.futureResult.get()
            _ = loop.scheduleTask(in: quietAfterReply) { collector.finish(closed: false) }
        }
        let (bytes, closed) = try await collector.done.futureResult.get()
        deadline.cancel()
        try? await channel.close().get()
        return Reply(text: String(decoding: bytes, as: UTF8.self), closedByServer: closed)
    }
}

/// Accumulates what the server sends; `done` carries the bytes and whether the server closed the connection.
final class ReplyCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let loop = MultiThreadedEventLoopGroup.singleton.next()
    let done: EventLoopPromise<([UInt8], Bool)>
    let firstBytes: EventLoopPromise<Void>
    private var bytes: [UInt8] = []
    private var finished = false
    private let lock = NSLock()

    init() {
        done = loop.makePromise()
        firstBytes = loop.makePromise()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        lock.lock()
        bytes.append(contentsOf: buffer.readableBytesView)
        lock.unlock()
        firstBytes.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(closed: true)
        context.fireChannelInactive()
    }

    func finish(closed: Bool) {
        lock.lock()
        let first = !finished
        finished = true
        let result = (bytes, closed)
        lock.unlock()
        if first {
            firstBytes.succeed(())
            done.succeed(result)
        }
    }
}

actor PortWaiter {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        for waiter in waiters { waiter.resume(returning: value) }
        waiters = []
    }

    func wait() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
