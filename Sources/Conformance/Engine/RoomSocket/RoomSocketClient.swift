import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket
import ParleyCrypto

/// One message the room socket delivered, in arrival order.
public enum SocketMessage: Sendable {
    case text(String)
    case binary(Int)
    /// A close frame (code nil when it carried none) or, with `dropped`, the connection ending without one.
    case closed(code: Int?, reason: String, dropped: Bool)
}

/// Why a socket could not be opened: the target answered the upgrade with something other than 101, or the
/// network failed. Cases turn the first into a verdict and the second into BROKEN.
public enum SocketOpenError: Error, Sendable, CustomStringConvertible {
    case notUpgraded(status: Int, head: String)
    case badAccept(String)
    case transport(String)

    public var description: String {
        switch self {
        case .notUpgraded(let status, let head): "upgrade answered \(status): \(head.prefix(200))"
        case .badAccept(let value): "Sec-WebSocket-Accept \(value) does not match the key (RFC 6455 §4.1)"
        case .transport(let why): why
        }
    }
}

/// A small WebSocket client (RFC 6455) for the room socket: it writes the opening handshake itself (so the wire log
/// shows what went out and any non-101 answer can be judged), then hands the stream to NIOWebSocket's frame codec.
/// Every received message is kept in order; the case reads them with ``next(timeout:)``.
public final class RoomSocketClient: @unchecked Sendable {
    public let path: String
    let channel: any Channel
    private let inbox: SocketInbox
    private let timeoutScale: Double

    private init(path: String, channel: any Channel, inbox: SocketInbox, timeoutScale: Double) {
        self.path = path
        self.channel = channel
        self.inbox = inbox
        self.timeoutScale = timeoutScale
    }

    /// Opens `path` (with its query) on the target and completes the opening handshake.
    public static func open(
        target: Target, path: String, insecure: Bool, timeoutScale: Double, headers: [HeaderField] = []
    ) async -> Result<RoomSocketClient, SocketOpenError> {
        let keyBytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let key = Data(keyBytes).base64EncodedString()
        var request = "GET \(target.basePath)\(path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"
        request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\n"
        request += "Sec-WebSocket-Version: 13\r\nUser-Agent: parley-conform/\(ConformanceCatalogue.runnerVersion)\r\n"
        for header in headers { request += "\(header.name): \(header.value)\r\n" }
        request += "\r\n"

        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let inbox = SocketInbox()
        let handshake = eventLoop.makePromise(of: String.self)
        let handler = SocketHandler(inbox: inbox, handshake: handshake)
        var tlsContext: NIOSSLContext?
        if target.isTLS {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if insecure { configuration.certificateVerification = .none }
            do { tlsContext = try NIOSSLContext(configuration: configuration) } catch {
                handshake.fail(SocketOpenError.transport("TLS setup: \(error)"))
                return .failure(.transport("TLS setup: \(error)"))
            }
        }
        let hostname = target.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(3000 * timeoutScale)))
            .channelInitializer { [tlsContext] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let serverName = hostname.first?.isNumber == true || hostname.contains(":") ? nil : hostname
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do { channel = try await bootstrap.connect(host: target.host, port: target.port).get() } catch {
            handshake.fail(SocketOpenError.transport("connect failed: \(error)"))
            return .failure(.transport("connect failed: \(error)"))
        }
        let deadline = eventLoop.scheduleTask(in: .milliseconds(Int64(10_000 * timeoutScale))) {
            handshake.fail(SocketOpenError.transport("no handshake answer within \(10 * timeoutScale) s"))
        }
        var buffer = channel.allocator.buffer(capacity: request.utf8.count)
        buffer.writeString(request)
        channel.writeAndFlush(buffer, promise: nil)
        let head: String
        do { head = try await handshake.futureResult.get() } catch {
            deadline.cancel()
            _ = try? await channel.close().get()
            return .failure(error as? SocketOpenError ?? .transport("\(error)"))
        }
        deadline.cancel()
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        guard status == 101 else {
            _ = try? await channel.close().get()
            return .failure(.notUpgraded(status: status, head: head))
        }
        // RFC 6455 §4.1: the accept value is base64(SHA-1(key + the protocol GUID)).
        let expected = Data(Digest.hash(.sha1, Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)))
            .base64EncodedString()
        let accept = lines.first { $0.lowercased().hasPrefix("sec-websocket-accept:") }.map {
            String($0.dropFirst("sec-websocket-accept:".count)).trimmingCharacters(in: .whitespaces)
        }
        guard accept == expected else {
            _ = try? await channel.close().get()
            return .failure(.badAccept(accept ?? "(absent)"))
        }
        return .success(RoomSocketClient(path: path, channel: channel, inbox: inbox, timeoutScale: timeoutScale))
    }

    /// Sends one text frame.
    public func send(text: String) async {
        var data = channel.allocator.buffer(capacity: text.utf8.count)
        data.writeString(text)
        await write(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: data))
        inbox.note("> \(text.count > 300 ? String(text.prefix(300)) + "… (\(text.utf8.count) bytes)" : text)")
    }

    public func send(json: JSONValue) async { await send(text: json.compactText) }

    /// Sends a close frame (RFC 6455 §5.5.1) with `code`.
    public func sendClose(code: UInt16 = 1000) async {
        var data = channel.allocator.buffer(capacity: 2)
        data.writeInteger(code)
        await write(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data))
        inbox.note("> close \(code)")
    }

    private func write(_ frame: WebSocketFrame) async {
        _ = try? await channel.writeAndFlush(frame).get()
    }

    /// The next message, or nil when none came within `timeout` seconds (scaled).
    public func next(timeout: Double = 5) async -> SocketMessage? {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(timeout * timeoutScale * 1000))
        while true {
            if let message = inbox.pop() { return message }
            if clock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Resets the TCP connection without a close handshake (SO_LINGER 0 sends RST): what a network failure looks
    /// like to the server, as opposed to an orderly close.
    public func drop() async {
        if let socket = channel as? any SocketOptionProvider {
            _ = try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        _ = try? await channel.close().get()
    }

    /// Ends politely: a close frame, then the connection.
    public func close() async {
        if channel.isActive { await sendClose() }
        _ = try? await channel.close().get()
    }

    /// Every frame sent and received, one line each, for the wire log.
    public var transcript: [String] { inbox.transcript }
}

/// Messages in arrival order, shared between the event loop (writer) and the case (reader).
final class SocketInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: [SocketMessage] = []
    private var lines: [String] = []

    func push(_ message: SocketMessage, line: String) {
        lock.withLock {
            queue.append(message)
            lines.append(line)
        }
    }

    func note(_ line: String) { lock.withLock { lines.append(line) } }

    func pop() -> SocketMessage? { lock.withLock { queue.isEmpty ? nil : queue.removeFirst() } }

    var transcript: [String] { lock.withLock { lines } }
}

/// Reads the 101 head byte by byte, then installs the frame codec behind itself and passes the rest through;
/// reassembles fragmented messages (RFC 6455 §5.4) and answers pings (§5.5.2).
final class SocketHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let inbox: SocketInbox
    private let handshake: EventLoopPromise<String>
    private var head: [UInt8] = []
    private var upgraded = false
    private var closedSeen = false

    init(inbox: SocketInbox, handshake: EventLoopPromise<String>) {
        self.inbox = inbox
        self.handshake = handshake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if upgraded {
            context.fireChannelRead(wrapInboundOut(buffer))
            return
        }
        while let byte = buffer.readInteger(as: UInt8.self) {
            head.append(byte)
            if head.count >= 4, head.suffix(4) == [13, 10, 13, 10] {
                upgraded = true
                let text = String(decoding: head.dropLast(4), as: UTF8.self)
                if text.hasPrefix("HTTP/1.1 101") || text.hasPrefix("HTTP/1.0 101") {
                    do {
                        let frames = FrameReceiver(inbox: inbox, onClose: { [weak self] in self?.closedSeen = true })
                        try context.pipeline.syncOperations.addHandlers(
                            [
                                ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 22)),
                                WebSocketFrameEncoder(), frames,
                            ], position: .after(self))
                    } catch {
                        handshake.fail(SocketOpenError.transport("frame codec: \(error)"))
                        return
                    }
                }
                handshake.succeed(text)
                if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
                return
            }
            if head.count > 16384 {
                handshake.fail(SocketOpenError.transport("handshake answer over 16 KiB without an end"))
                context.close(promise: nil)
                return
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !upgraded {
            handshake.fail(SocketOpenError.transport("connection closed during the handshake (\(head.count) bytes)"))
        } else if !closedSeen {
            inbox.push(
                .closed(code: nil, reason: "", dropped: true), line: "< (connection closed without a close frame)")
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !upgraded { handshake.fail(SocketOpenError.transport("\(error)")) }
        context.close(promise: nil)
    }
}

/// Turns frames into messages.
final class FrameReceiver: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let inbox: SocketInbox
    private let onClose: () -> Void
    private var fragments: ByteBuffer?
    private var fragmentOpcode: WebSocketOpcode = .text

    init(inbox: SocketInbox, onClose: @escaping () -> Void) {
        self.inbox = inbox
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        var payload = frame.unmaskedData
        switch frame.opcode {
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: payload)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            return
        case .connectionClose:
            let code = payload.readInteger(as: UInt16.self).map(Int.init)
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            onClose()
            inbox.push(
                .closed(code: code, reason: reason, dropped: false),
                line: "< close \(code.map(String.init) ?? "-") \(reason)")
            context.close(promise: nil)
        case .text, .binary, .continuation:
            if frame.opcode != .continuation { fragmentOpcode = frame.opcode; fragments = nil }
            if !frame.fin || fragments != nil {
                if fragments == nil { fragments = payload } else { fragments?.writeBuffer(&payload) }
                guard frame.fin, let whole = fragments else { return }
                payload = whole
                fragments = nil
            }
            if fragmentOpcode == .text {
                let text = payload.readString(length: payload.readableBytes) ?? ""
                inbox.push(.text(text), line: "< \(text.count > 500 ? String(text.prefix(500)) + "…" : text)")
            } else {
                inbox.push(.binary(payload.readableBytes), line: "< binary \(payload.readableBytes) bytes")
            }
        default:
            return
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        inbox.push(.closed(code: nil, reason: "\(error)", dropped: true), line: "< protocol error: \(error)")
        context.close(promise: nil)
    }
}
