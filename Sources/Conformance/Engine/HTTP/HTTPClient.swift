import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client: one connection per exchange (`Connection: close`), plain or TLS, with a connect and a
/// response deadline each scaled by `--timeout-scale`. It writes the request bytes itself so the wire log shows
/// exactly what went out, and it never throws anything but `TransportError`.
public struct HTTPClient: Sendable {
    public let target: Target
    public let insecure: Bool
    public let connectTimeout: Double
    public let responseTimeout: Double

    public init(target: Target, insecure: Bool, timeoutScale: Double = 1) {
        self.target = target
        self.insecure = insecure
        self.connectTimeout = 3 * timeoutScale
        self.responseTimeout = 10 * timeoutScale
    }

    /// Serialises the request exactly as it goes on the wire (RFC 9112 §3).
    func wireBytes(_ request: HTTPRequest) -> (bytes: [UInt8], headers: [HeaderField]) {
        var headers: [HeaderField] = []
        if !request.headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append(HeaderField("Host", target.hostHeader))
        }
        headers += request.headers
        if let body = request.body, !headers.contains(where: { $0.name.lowercased() == "content-length" }) {
            headers.append(HeaderField("Content-Length", String(body.count)))
        }
        if !headers.contains(where: { $0.name.lowercased() == "connection" }) {
            headers.append(HeaderField("Connection", "close"))
        }
        var text = "\(request.method) \(target.basePath)\(request.path) HTTP/1.1\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "\r\n"
        return (Array(text.utf8) + (request.body ?? []), headers)
    }

    /// Sends one request and records the exchange whatever happens.
    public func send(_ request: HTTPRequest) async -> (Result<HTTPResponse, TransportError>, WireExchange) {
        let started = Date()
        let (bytes, sentHeaders) = wireBytes(request)
        let result = await exchange(bytes, method: request.method)
        let bodyText = request.body.map { String(decoding: $0, as: UTF8.self) }
        let recordedRequest = WireExchange.Request(
            method: request.method, url: target.absoluteURL(request.path),
            headers: sentHeaders, body: bodyText)
        let elapsed = Date().timeIntervalSince(started) * 1000
        switch result {
        case .success(let response):
            let recorded = WireExchange.Response(
                status: response.status, reason: response.reason,
                headers: response.headers, body: response.bodyText)
            return (
                result,
                WireExchange(
                    request: recordedRequest, response: recorded, error: nil,
                    startedAt: started, durationMs: elapsed)
            )
        case .failure(let error):
            return (
                result,
                WireExchange(
                    request: recordedRequest, response: nil, error: error.description,
                    startedAt: started, durationMs: elapsed)
            )
        }
    }

    private func exchange(_ bytes: [UInt8], method: String) async -> Result<HTTPResponse, TransportError> {
        let group = MultiThreadedEventLoopGroup.singleton
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: HTTPResponse.self)
        let collector = ResponseCollector(method: method, promise: promise)
        let tlsContext: NIOSSLContext?
        if target.isTLS {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if insecure { configuration.certificateVerification = .none }
            do { tlsContext = try NIOSSLContext(configuration: configuration) } catch {
                promise.fail(TransportError.connect("TLS setup: \(error)"))
                return .failure(.connect("TLS setup: \(error)"))
            }
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
                        let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            // The collector's promise must be completed even though no channel ever used it.
            let failure: TransportError
            if let channelError = error as? ChannelError, case .connectTimeout = channelError {
                failure = .connectTimeout(seconds: connectTimeout)
            } else {
                failure = .connect(String(describing: error))
            }
            promise.fail(failure)
            return .failure(failure)
        }
        let timeout = responseTimeout
        let deadline = eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            promise.fail(TransportError.responseTimeout(seconds: timeout))
        }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer).whenFailure { error in
            promise.fail(TransportError.connect("write failed: \(error)"))
        }
        let result: Result<HTTPResponse, TransportError>
        do {
            result = .success(try await promise.futureResult.get())
        } catch let error as TransportError {
            result = .failure(error)
        } catch {
            result = .failure(.malformedResponse(String(describing: error)))
        }
        deadline.cancel()
        _ = try? await channel.close().get()
        return result
    }
}

/// Accumulates bytes until the parser sees one complete response, then fulfils the promise.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let method: String
    private let promise: EventLoopPromise<HTTPResponse>
    private var bytes: [UInt8] = []
    private var done = false

    init(method: String, promise: EventLoopPromise<HTTPResponse>) {
        self.method = method
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let chunk = buffer.readBytes(length: buffer.readableBytes) { bytes += chunk }
        evaluate(closed: false, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        evaluate(closed: true, context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS close without close_notify after a complete response is harmless; anything else ends the exchange.
        evaluate(closed: true, context: context)
        if !done { done = true; promise.fail(TransportError.connect(String(describing: error))) }
        context.close(promise: nil)
    }

    private func evaluate(closed: Bool, context: ChannelHandlerContext) {
        guard !done else { return }
        switch HTTPResponseParser.parse(bytes, connectionClosed: closed, requestMethod: method) {
        case .needMore: return
        case .complete(let response):
            done = true
            promise.succeed(response)
            context.close(promise: nil)
        case .invalid(let why):
            done = true
            if closed && bytes.isEmpty {
                promise.fail(TransportError.closedEarly(receivedBytes: 0))
            } else if closed {
                promise.fail(TransportError.closedEarly(receivedBytes: bytes.count))
            } else {
                promise.fail(TransportError.malformedResponse(why))
            }
            context.close(promise: nil)
        }
    }
}
