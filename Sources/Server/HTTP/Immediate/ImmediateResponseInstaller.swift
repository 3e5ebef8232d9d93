import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Given to Hummingbird as an additional HTTP/1 channel handler (those go before its connection state handler);
/// on the first request read, when the whole HTTP/1 pipeline is in place, it replaces that state handler with an
/// ``HTTPConnectionStateTracker`` (the same rules, and it also counts answers given in front of the codec), puts an
/// ``ImmediateResponseHandler`` right after it, hands the tracker to the connection's ``ImmediateFrontHandler``,
/// and removes itself. A connection upgraded to a WebSocket by its first request never gets these handlers.
final class ImmediateResponseInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let responder: ImmediateResponder
    let idleTimeout: TimeAmount?

    init(responder: ImmediateResponder, idleTimeout: TimeAmount?) {
        self.responder = responder
        self.idleTimeout = idleTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pipeline = context.pipeline.syncOperations
        // Without a state handler this is not Hummingbird's HTTP/1 pipeline: it is left as it is.
        if let state = try? pipeline.context(handlerType: HTTPConnectionStateHandler.self) {
            let tracker = HTTPConnectionStateTracker(idleTimeout: idleTimeout)
            do {
                try pipeline.addHandler(tracker, position: .after(state.handler))
                pipeline.removeHandler(context: state, promise: nil)
                try pipeline.addHandler(ImmediateResponseHandler(responder: responder), position: .after(tracker))
                if let front = try? pipeline.handler(type: ImmediateFrontHandler.self) { front.attach(tracker) }
            } catch {
                // Only a closed channel refuses handlers; its requests go nowhere either way.
            }
        }
        context.fireChannelRead(data)
        pipeline.removeHandler(context: context, promise: nil)
    }
}
