import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Serves plain HTTP and TLS on one listening socket, as MiroTalk's httpolyglot does, so that the `https://`
/// links the MiroTalk API hands out work on a default install (docs/contracts.md §One port, plain and TLS).
///
/// `setup` only installs a `FirstBytesSniffer`; it must not wait for bytes, because NIO starts reading only after
/// setup completes. The sniffer sees the first byte: 0x16 (a TLS handshake record, RFC 8446 §5.1) puts
/// `NIOSSLServerHandler` in front; anything else stays plain. Then the wrapped channel's own setup runs, the
/// sniffer replays what it buffered and removes itself. `handle` awaits that choice and delegates.
public struct PlainOrTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    public struct Value: ServerChildChannelValue {
        let base: EventLoopFuture<Base.Value>
        public let channel: any Channel
    }

    let base: Base
    let sslContext: NIOSSLContext
    /// How long a connection may stay silent before its first byte.
    let firstByteTimeout: TimeAmount

    public init(_ base: Base, tlsConfiguration: TLSConfiguration, firstByteTimeout: TimeAmount = .seconds(30)) throws {
        self.base = base
        self.sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        self.firstByteTimeout = firstByteTimeout
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let chosen = channel.eventLoop.makePromise(of: Base.Value.self)
        let sniffer = FirstBytesSniffer(timeout: firstByteTimeout) { context, isTLS in
            if isTLS {
                try context.pipeline.syncOperations.addHandler(
                    NIOSSLServerHandler(context: self.sslContext), position: .after(context.handler))
            }
            let baseSetup = self.base.setup(channel: context.channel, logger: logger)
            baseSetup.cascade(to: chosen)
            return baseSetup.map { _ in () }
        } onGiveUp: { error in
            chosen.fail(error)
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(sniffer)
            return Value(base: chosen.futureResult, channel: channel)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        do {
            let baseValue = try await value.base.get()
            await base.handle(value: baseValue, logger: logger)
        } catch {
            logger.debug("connection closed before protocol choice", metadata: ["error": "\(error)"])
        }
    }
}

extension PlainOrTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    public var responder: HTTPChannelHandler.Responder { base.responder }
}

/// Buffers inbound bytes until it has seen the first one, asks `decide` to build the rest of the pipeline, then
/// replays the buffer to the new handlers and leaves the pipeline.
final class FirstBytesSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum State {
        case waiting
        case deciding
        case done
    }

    struct SilentConnection: Error {}
    struct ClosedBeforeFirstByte: Error {}

    private let timeout: TimeAmount
    private let decide: (ChannelHandlerContext, _ isTLS: Bool) throws -> EventLoopFuture<Void>
    private let onGiveUp: (any Error) -> Void
    private var state = State.waiting
    private var buffered: ByteBuffer?
    private var timer: Scheduled<Void>?

    init(
        timeout: TimeAmount,
        decide: @escaping (ChannelHandlerContext, _ isTLS: Bool) throws -> EventLoopFuture<Void>,
        onGiveUp: @escaping (any Error) -> Void
    ) {
        self.timeout = timeout
        self.decide = decide
        self.onGiveUp = onGiveUp
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (sniffer, context) = loopBound.value
            guard case .waiting = sniffer.state else { return }
            sniffer.giveUp(context: context, error: SilentConnection())
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffered == nil { buffered = bytes } else { buffered!.writeBuffer(&bytes) }
        guard case .waiting = state, let first = buffered?.getInteger(at: buffered!.readerIndex, as: UInt8.self) else {
            return
        }
        state = .deciding
        timer?.cancel()
        let isTLS = first == 0x16
        do {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            try decide(context, isTLS).whenComplete { result in
                let (sniffer, context) = loopBound.value
                switch result {
                case .success: sniffer.replayAndLeave(context: context)
                case .failure(let error): sniffer.giveUp(context: context, error: error)
                }
            }
        } catch {
            giveUp(context: context, error: error)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Held back until the buffered bytes are replayed.
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .waiting = state { giveUp(context: context, error: ClosedBeforeFirstByte()) }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A half-close before the first byte means the client will never speak.
        if case .waiting = state, let event = event as? ChannelEvent, event == .inputClosed {
            giveUp(context: context, error: ClosedBeforeFirstByte())
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func replayAndLeave(context: ChannelHandlerContext) {
        state = .done
        if let bytes = buffered {
            buffered = nil
            context.fireChannelRead(wrapInboundOut(bytes))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func giveUp(context: ChannelHandlerContext, error: any Error) {
        guard case .done = state else {
            state = .done
            timer?.cancel()
            onGiveUp(error)
            context.close(promise: nil)
            return
        }
    }
}
