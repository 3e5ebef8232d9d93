import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Raw bytes on one connection, for what the request-per-connection client cannot say: several requests on one
/// connection (RFC 9112 §9.3), pipelined (§9.3.2), hand-made chunked bodies (§7.1). It writes `bytes` as given
/// and collects everything the server sends until `responses` complete answers arrived, the server closed, or the
/// response deadline passed.
extension HTTPClient {
    public func raw(_ bytes: [UInt8], methods: [String]) async -> Result<[HTTPResponse], TransportError> {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = eventLoop.makePromise(of: [HTTPResponse].self)
        let collector = RawCollector(methods: methods, promise: promise)
        let tlsContext: NIOSSLContext?
        if target.isTLS {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if insecure { configuration.certificateVerification = .none }
            guard let context = try? NIOSSLContext(configuration: configuration) else {
                promise.fail(TransportError.connect("TLS setup"))
                return .failure(.connect("TLS setup"))
            }
            tlsContext = context
        } else {
            tlsContext = nil
        }
        let hostname = target.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let serverName = hostname.first?.isNumber == true || hostname.contains(":") ? nil : hostname
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            promise.fail(TransportError.connect(String(describing: error)))
            return .failure(.connect(String(describing: error)))
        }
        let timeout = responseTimeout
        let deadline = eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            collector.finish(closed: true)
        }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
        let result: Result<[HTTPResponse], TransportError>
        do { result = .success(try await promise.futureResult.get()) } catch let error as TransportError {
            result = .failure(error)
        } catch {
            result = .failure(.malformedResponse(String(describing: error)))
        }
        deadline.cancel()
        _ = try? await channel.close().get()
        return result
    }
}

/// Splits the byte stream into consecutive responses, one per request method in order.
final class RawCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let methods: [String]
    private let promise: EventLoopPromise<[HTTPResponse]>
    private var bytes: [UInt8] = []
    private var responses: [HTTPResponse] = []
    private var done = false

    init(methods: [String], promise: EventLoopPromise<[HTTPResponse]>) {
        self.methods = methods
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let chunk = buffer.readBytes(length: buffer.readableBytes) { bytes += chunk }
        drain(closed: false)
        if responses.count >= methods.count { finish(closed: false) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        drain(closed: true)
        finish(closed: true)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        drain(closed: true)
        finish(closed: true)
        context.close(promise: nil)
    }

    /// Takes every complete response off the front of the buffer.
    private func drain(closed: Bool) {
        while responses.count < methods.count, !bytes.isEmpty {
            let method = methods[responses.count]
            guard let length = HTTPResponseParser.messageLength(bytes, requestMethod: method, connectionClosed: closed),
                case .complete(let response) = HTTPResponseParser.parse(
                    Array(bytes[..<length]), connectionClosed: true, requestMethod: method)
            else { return }
            responses.append(response)
            bytes.removeFirst(length)
        }
    }

    /// Completes with what arrived; none at all is a transport failure.
    func finish(closed: Bool) {
        guard !done else { return }
        done = true
        if responses.isEmpty {
            promise.fail(TransportError.closedEarly(receivedBytes: bytes.count))
        } else {
            promise.succeed(responses)
        }
    }
}

extension HTTPResponseParser {
    /// The length in bytes of the first complete response in `bytes` (RFC 9112 §6.3), or nil if more are needed.
    static func messageLength(_ bytes: [UInt8], requestMethod: String, connectionClosed: Bool) -> Int? {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        let bodyStart = headerEnd + 4
        let head = String(decoding: bytes[0..<headerEnd], as: UTF8.self).lowercased()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        if (100..<200).contains(status) {
            guard
                let rest = messageLength(
                    Array(bytes[bodyStart...]), requestMethod: requestMethod, connectionClosed: connectionClosed)
            else { return nil }
            return bodyStart + rest
        }
        if requestMethod == "HEAD" || status == 204 || status == 304 { return bodyStart }
        let lines = head.components(separatedBy: "\r\n")
        func value(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name + ":") }.map {
                String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        if value("transfer-encoding")?.contains("chunked") == true {
            var index = bodyStart
            while true {
                guard let lineEnd = find([13, 10], in: bytes, from: index) else { return nil }
                let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                index = lineEnd + 2
                if size == 0 {
                    guard let end = find([13, 10, 13, 10], in: bytes, from: index - 2) else { return nil }
                    return end + 4
                }
                index += size + 2
                if index > bytes.count { return nil }
            }
        }
        if let length = value("content-length").flatMap({ Int($0) }) {
            return bytes.count >= bodyStart + length ? bodyStart + length : nil
        }
        return connectionClosed ? bytes.count : nil
    }
}
