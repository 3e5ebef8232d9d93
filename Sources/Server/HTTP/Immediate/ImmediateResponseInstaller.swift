import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Given to Hummingbird as an additional HTTP/1 channel handler (those go before its connection state handler);
/// on the first request read, when the whole HTTP/1 pipeline is in place, it puts an ``ImmediateResponseHandler``
/// right after the state handler and removes itself. A connection upgraded to a WebSocket by its first request
/// never gets these handlers.
final class ImmediateResponseInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let responder: ImmediateResponder

    init(responder: ImmediateResponder) { self.responder = responder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pipeline = context.pipeline.syncOperations
        // Without a state handler this is not Hummingbird's HTTP/1 pipeline: it is left as it is.
        if let state = try? pipeline.handler(type: HTTPConnectionStateHandler.self) {
            try? pipeline.addHandler(ImmediateResponseHandler(responder: responder), position: .after(state))
        }
        context.fireChannelRead(data)
        pipeline.removeHandler(context: context, promise: nil)
    }
}
