import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Answers 400 and closes when the connection's first request head cannot be parsed (e.g. a method llhttp does
/// not know, `CONFORM / HTTP/1.1`; RFC 9112 §3 leaves such a request line invalid, and RFC 9110 §15.5.1 makes
/// that a 400). The WebSocket-upgrade pipeline runs with NIO's error handling off and installs Hummingbird's
/// own handling only after a first head arrives, so without this the parser's error reaches the pipeline's tail
/// and the connection stays open unanswered. Later heads' errors reach Hummingbird, which answers them.
public struct UnparsableFirstRequestChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value

    let base: Base

    public init(_ base: Base) { self.base = base }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Right behind the decoder: it sees the first head before the upgrade handler buffers anything.
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(FirstRequestParseErrorHandler(), position: .after(decoder.handler))
            // Behind it, still ahead of the upgrade handler: an Upgrade nobody here speaks is dropped.
            let parseErrors = try pipeline.context(handlerType: FirstRequestParseErrorHandler.self)
            try pipeline.addHandler(FirstRequestUpgradeFilter(), position: .after(parseErrors.handler))
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension UnparsableFirstRequestChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    public var responder: HTTPChannelHandler.Responder { base.responder }
}

/// Until the first request head passes: turns an `HTTPParserError` into `400` + `Connection: close`, then closes.
/// Leaves the pipeline once a head has passed (the pipeline may then become a WebSocket one).
final class FirstRequestParseErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        var headers = HTTPHeaders()
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Content-Length", value: "0")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
            promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
