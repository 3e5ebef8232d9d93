import HTTPTypes
import NIOCore
import ParleyWire

/// Answers, in front of the HTTP codec, the requests ``ImmediateResponder`` can answer: a plain GET whose whole
/// head arrived in one read is parsed here (``HTTP1RequestHead``), answered from ``ImmediateResponder`` and written
/// as the bytes Hummingbird's stack would send (``ImmediateExchange/http1Bytes(allocator:cors:serverName:)``), and its bytes never reach
/// the codec. Everything else goes on unchanged, in order, to the codec and ``ImmediateResponseHandler`` behind it.
///
/// ``HTTP1RequestFramer`` keeps the boundaries of the stream, so a request is only taken out where the codec is
/// between messages; and only while the connection's state tracker holds no request (HTTP/1.1 answers in order,
/// RFC 9112 §9.3.2) and the socket takes writes. Until the first request has set up the HTTP/1 pipeline (it may
/// become a WebSocket instead) nothing is answered here; once the framer gives up, this handler leaves.
final class ImmediateFrontHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let responder: ImmediateResponder
    private var framer = HTTP1RequestFramer()
    /// Set by ``ImmediateResponseInstaller`` on the first request, when the HTTP/1 pipeline is in place.
    private var tracker: (any InFrontAnswerGate)?
    private var dates = HTTPDateCache()
    private var unflushed = false
    /// Bytes went on to the codec since the last read batch ended.
    private var handedOnThisBatch = false

    init(responder: ImmediateResponder) { self.responder = responder }

    func attach(_ tracker: any InFrontAnswerGate) { self.tracker = tracker }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let source = unwrapInboundIn(data)
        var input = source
        // Worked on as a local: one access to the stored framer per read, not one per step.
        var framer = self.framer
        defer { self.framer = framer }
        // Bytes not answered here, from `passStart` on, go on together (sliced from `source`, whose reader index
        // has not moved, so they are still readable there).
        var passStart = input.readerIndex
        func handOn() {
            guard input.readerIndex > passStart,
                let slice = source.getSlice(at: passStart, length: input.readerIndex - passStart)
            else { return }
            handedOnThisBatch = true
            context.fireChannelRead(wrapInboundOut(slice))
            passStart = input.readerIndex
        }
        while input.readableBytes > 0 {
            switch input.withUnsafeReadableBytes({ framer.next($0) }) {
            case .pass(let count):
                input.moveReaderIndex(forwardBy: count)
            case .request(let head):
                if tracker != nil, let request = input.withUnsafeReadableBytes({ HTTPRequest(plainGET: head, in: $0) })
                {
                    // What came before goes on first: the state tracker must see it to know whether this request
                    // is next in line.
                    handOn()
                    if answer(request, context: context) {
                        input.moveReaderIndex(forwardBy: head.length)
                        passStart = input.readerIndex
                        continue
                    }
                }
                input.moveReaderIndex(forwardBy: head.length)
            }
        }
        if passStart == source.readerIndex {
            handedOnThisBatch = true
            context.fireChannelRead(data)
        } else {
            handOn()
        }
        if framer.gaveUp { leave(context: context) }
    }

    /// Writes the answer to `request` when it is next in line and ``ImmediateResponder`` has one.
    private func answer(_ request: HTTPRequest, context: ChannelHandlerContext) -> Bool {
        guard let tracker, tracker.canAnswerInFront, context.channel.isWritable,
            let exchange = responder.respond(request, dates: &dates)
        else { return false }
        tracker.answeredInFront()
        let bytes = exchange.http1Bytes(
            allocator: context.channel.allocator, cors: responder.cors, serverName: responder.serverName)
        context.write(wrapOutboundOut(bytes), promise: nil)
        unflushed = true
        return true
    }

    /// One flush per read batch: pipelined requests answered here leave in one write. The handlers behind hear of
    /// the batch's end only when they were given some of it: each of them acts on that event only for what it
    /// read (the decoder, the async channel's buffer), and passing it along the pipeline cost as much as
    /// answering the request.
    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        if handedOnThisBatch {
            handedOnThisBatch = false
            context.fireChannelReadComplete()
        }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
    }

    /// Nothing more can be answered here: the rest of the stream goes straight to the codec.
    private func leave(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
        // This batch's end now reaches the codec without this handler.
        handedOnThisBatch = false
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// What decides whether a request may be answered in front of the codec now, and learns when one was: the
/// connection's ``HTTPConnectionStateTracker``.
protocol InFrontAnswerGate: AnyObject {
    /// No request is in progress behind the codec, and the connection is not closing.
    var canAnswerInFront: Bool { get }
    func answeredInFront()
}
