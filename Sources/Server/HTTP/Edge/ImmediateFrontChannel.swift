import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Puts an ``ImmediateFrontHandler`` in front of the HTTP/1 codec of every connection (after TLS, when the
/// connection chose it), so that it sees the request stream from its first byte; `immediate == nil` leaves the
/// pipeline as it is.
struct ImmediateFrontChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let immediate: ImmediateResponder?

    init(_ base: Base, immediate: ImmediateResponder?) {
        self.base = base
        self.immediate = immediate
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            // Without NIO's HTTP/1 encoder this is not the pipeline the handler was made for: leave it as it is.
            guard let immediate, let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self) else {
                return value
            }
            try pipeline.addHandler(ImmediateFrontHandler(responder: immediate), position: .before(encoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ImmediateFrontChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}
