import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Testing

@testable import ParleyHTTP

/// ``ImmediateFrontHandler`` on an embedded channel: which requests it answers as bytes, and that every other
/// byte goes on to the codec, in order and unchanged.
@Suite("Immediate answers in front of the HTTP codec")
struct ImmediateFrontHandlerTests {
    struct FixedRoute: ImmediateRoute {
        let path = "/fixed"
        func answer(_ request: HTTPRequest) -> ImmediateAnswer? {
            var head = HTTPResponse(status: .ok)
            head.headerFields[.contentType] = "text/plain"
            head.headerFields[.contentLength] = "2"
            // The handler passes the request on as the codec would: echo what the route saw.
            head.headerFields[HTTPField.Name("X-Seen")!] =
                "\(request.authority ?? "-") \(request.path ?? "-") \(request.headerFields[.authorization] ?? "-")"
            return ImmediateAnswer(head: head, body: ByteBuffer(string: "ok"))
        }
    }

    final class Gate: InFrontAnswerGate {
        var canAnswerInFront = true
        var answered = 0
        func answeredInFront() { answered += 1 }
    }

    /// Everything the handler passes on.
    final class Sink: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var received = ByteBuffer()
        var reads = 0
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            reads += 1
        }
    }

    static func make(attached: Bool = true) throws -> (EmbeddedChannel, Gate, Sink) {
        let responder = ImmediateResponder(
            routes: [FixedRoute()], cors: CORSPolicy(enabled: false, origins: []), metrics: RequestMetricsTable(),
            logger: Logger(label: "test"), serverName: "Parley", wallSeconds: { 784_111_777 })
        let front = ImmediateFrontHandler(responder: responder)
        let gate = Gate()
        if attached { front.attach(gate) }
        let sink = Sink()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([front, sink])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, gate, sink)
    }

    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    static let fixed = "GET /fixed?q=1 HTTP/1.1\r\nHost: example:8080\r\nAuthorization: k\r\n\r\n"
    static let answer =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nX-Seen: example:8080 /fixed?q=1 k\r\n"

    @Test("a plain GET of an immediate route: answered here as the codec's bytes, nothing passed on")
    func answers() throws {
        let (channel, gate, sink) = try Self.make()
        try channel.writeInbound(ByteBuffer(string: Self.fixed))
        let text = try Self.written(channel)
        #expect(text.hasPrefix(Self.answer), "\(text)")
        #expect(text.contains("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: Parley\r\n\r\nok"), "\(text)")
        #expect(sink.reads == 0)
        #expect(gate.answered == 1)
    }

    @Test("around requests for the codec: those pass in order, unchanged; the one behind them waits its turn")
    func passesOthers() throws {
        let (channel, gate, sink) = try Self.make()
        let other = "GET /other HTTP/1.1\r\nHost: a\r\n\r\n"
        let post = "POST /fixed HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        // Answered here; then `other` goes on; the gate (the state tracker) now holds a request.
        try channel.writeInbound(ByteBuffer(string: Self.fixed + other))
        #expect(String(buffer: sink.received) == other)
        #expect(gate.answered == 1)
        gate.canAnswerInFront = false
        try channel.writeInbound(ByteBuffer(string: post + Self.fixed))
        #expect(String(buffer: sink.received) == other + post + Self.fixed)
        #expect(gate.answered == 1)
        gate.canAnswerInFront = true
        try channel.writeInbound(ByteBuffer(string: Self.fixed + Self.fixed))
        #expect(gate.answered == 3)
        #expect(String(buffer: sink.received) == other + post + Self.fixed)
    }

    @Test("a head split across reads goes on, and so does a head the framer cannot call plain")
    func splitAndNotPlain() throws {
        let (channel, gate, sink) = try Self.make()
        let bytes = Array(Self.fixed.utf8)
        try channel.writeInbound(ByteBuffer(bytes: bytes[..<10]))
        try channel.writeInbound(ByteBuffer(bytes: bytes[10...]))
        let tabbed = "GET /fixed HTTP/1.1\r\nHost: a\r\nX-A: b\tc\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: tabbed))
        #expect(String(buffer: sink.received) == Self.fixed + tabbed)
        #expect(gate.answered == 0)
        try channel.writeInbound(ByteBuffer(string: Self.fixed))
        #expect(gate.answered == 1)
    }

    @Test("before the HTTP/1 pipeline is in place, nothing is answered here")
    func unattached() throws {
        let (channel, _, sink) = try Self.make(attached: false)
        try channel.writeInbound(ByteBuffer(string: Self.fixed))
        #expect(String(buffer: sink.received) == Self.fixed)
        #expect(try Self.written(channel).isEmpty)
    }

    @Test("once the framer gives up, the handler leaves and the rest of the stream goes straight on")
    func leaves() throws {
        let (channel, gate, sink) = try Self.make()
        let chunked = "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: chunked + Self.fixed))
        #expect(String(buffer: sink.received) == chunked + Self.fixed)
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.handler(type: ImmediateFrontHandler.self)
        }
        try channel.writeInbound(ByteBuffer(string: Self.fixed))
        #expect(gate.answered == 0)
        #expect(String(buffer: sink.received) == chunked + Self.fixed + Self.fixed)
    }

    @Test("a socket that takes no more writes: the request goes on to the codec's writer, which waits for it")
    func notWritable() throws {
        let (channel, gate, sink) = try Self.make()
        channel.isWritable = false
        try channel.writeInbound(ByteBuffer(string: Self.fixed))
        #expect(String(buffer: sink.received) == Self.fixed)
        #expect(gate.answered == 0)
    }
}

/// ``ImmediateExchange/http1Bytes(allocator:cors:serverName:)`` against the stack it stands in for: the same
/// exchange's ``ImmediateExchange/response(cors:serverName:)`` through Hummingbird's HTTPTypes codec and NIO's
/// response encoder.
@Suite("Immediate answers: written bytes equal the HTTP/1 encoder's")
struct ImmediateExchangeBytesTests {
    static func encoded(_ answer: ImmediateAnswer) throws -> String {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            HTTPResponseEncoder(configuration: .init()), HTTP1ToHTTPServerCodec(secure: false),
        ])
        try channel.writeOutbound(HTTPResponsePart.head(answer.head))
        try channel.writeOutbound(HTTPResponsePart.body(answer.body))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        var text = ""
        while let part = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = part else { continue }
            text += String(buffer: buffer)
        }
        return text
    }

    static let policies = [
        CORSPolicy(enabled: true, origins: []), CORSPolicy(enabled: true, origins: ["https://app.example"]),
        CORSPolicy(enabled: true, origins: ["*"]), CORSPolicy(enabled: false, origins: []),
    ]
    static let statuses: [HTTPResponse.Status] = [
        .ok, .unauthorized, .forbidden, .notFound, .noContent, .notModified, .contentTooLarge,
        .unprocessableContent, .init(code: 299, reasonPhrase: "Odd"), .init(code: 200, reasonPhrase: "Fine"),
    ]

    @Test("every CORS policy, origin and status; with and without Content-Length, Server and a body")
    func sameBytes() throws {
        for cors in Self.policies {
            for origin in [nil, "https://app.example", "https://evil.example", ""] as [String?] {
                for status in Self.statuses {
                    for withLength in [true, false] {
                        var head = HTTPResponse(status: status)
                        head.headerFields[.contentType] = "application/json; charset=utf-8"
                        if withLength { head.headerFields[.contentLength] = "7" }
                        let exchange = ImmediateExchange(
                            answer: ImmediateAnswer(head: head, body: ByteBuffer(string: #"{"a":1}"#)),
                            origin: origin, requestID: "0123456789abcdef", date: "Sun, 06 Nov 1994 08:49:37 GMT")
                        for serverName in ["Parley", nil] as [String?] {
                            let written = String(
                                buffer: exchange.http1Bytes(allocator: .init(), cors: cors, serverName: serverName))
                            let response = exchange.response(cors: cors, serverName: serverName)
                            let label = "\(cors) \(origin ?? "-") \(status) length:\(withLength) \(serverName ?? "-")"
                            if withLength || !status.mayHaveBody {
                                #expect(written == (try Self.encoded(response)), "\(label)")
                            } else {
                                // No route leaves Content-Length out; the encoder would chunk, these bytes add one.
                                #expect(written.contains("\r\nContent-Length: 7\r\n"), "\(label)")
                                #expect(written.hasSuffix("\r\n\r\n{\"a\":1}"), "\(label)")
                            }
                        }
                    }
                }
            }
        }
    }
}

extension HTTPResponse.Status {
    fileprivate var mayHaveBody: Bool { !(100..<200).contains(code) && code != 204 && code != 304 }
}
