import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers on the event loop the requests ``ImmediateResponder`` can answer, and passes every other request part
/// to Hummingbird untouched. Sits after Hummingbird's `HTTPConnectionStateHandler`, so that handler still sees
/// every request head read and every response `.end` written (idle timeout and the close on graceful shutdown
/// stay exact), and before the async channel that feeds the router.
///
/// A request is answered here only while Hummingbird holds none of this connection's requests: HTTP/1.1 answers
/// pipelined requests in order (RFC 9112 §9.3.2), so one that arrives behind a request still being served goes to
/// Hummingbird as well.
final class ImmediateResponseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let responder: ImmediateResponder
    /// Requests passed to Hummingbird whose response `.end` has not been written yet.
    private var requestsWithHummingbird = 0
    /// The rest of a request answered here (its `.end`) is dropped.
    private var discardingRequest = false
    private var unflushed = false
    private var dates = HTTPDateCache()

    init(responder: ImmediateResponder) { self.responder = responder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            // A client that does not read its answers meets Hummingbird's writer, which waits for the socket;
            // answers written here would pile up in memory instead.
            if requestsWithHummingbird == 0, context.channel.isWritable,
                let answer = responder.answer(request, dates: &dates)
            {
                discardingRequest = true
                context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
                context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
                unflushed = true
                return
            }
            discardingRequest = false
            requestsWithHummingbird += 1
            context.fireChannelRead(data)
        case .body, .end:
            if discardingRequest {
                if case .end = part { discardingRequest = false }
                return
            }
            context.fireChannelRead(data)
        }
    }

    /// One flush per read batch: pipelined requests answered here leave in one write.
    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), requestsWithHummingbird > 0 { requestsWithHummingbird -= 1 }
        context.write(data, promise: promise)
    }
}
