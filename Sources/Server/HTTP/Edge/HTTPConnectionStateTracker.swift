import NIOCore
import NIOHTTPTypes

/// Applies ``HTTPConnectionLifecycle`` to an HTTP/1 connection in the place of Hummingbird's connection state
/// handler (right after the HTTPTypes codec): idle timeout and close on graceful shutdown, counting the requests
/// the router holds, and the answers ``ImmediateFrontHandler`` gives in front of the codec as activity.
final class HTTPConnectionStateTracker: ChannelDuplexHandler, RemovableChannelHandler, InFrontAnswerGate {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private(set) var lifecycle: HTTPConnectionLifecycle
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(idleTimeout: TimeAmount?) {
        lifecycle = HTTPConnectionLifecycle(idleTimeout: idleTimeout, now: .now())
    }

    /// See ``HTTPConnectionLifecycle/canAnswerInFront``.
    var canAnswerInFront: Bool { lifecycle.canAnswerInFront }

    func answeredInFront() { lifecycle.answeredInFront(now: .now()) }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { perform(lifecycle.becameActive(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(lifecycle.becameActive(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        lifecycle.becameInactive()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part: HTTPConnectionLifecycle.RequestPart =
            switch unwrapInboundIn(data) {
            case .head: .head
            case .body: .body
            case .end: .end
            }
        lifecycle.read(part, now: .now())
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        switch lifecycle.wroteResponseEnd(now: .now()) {
        case .close:
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
        case .scheduleTimeout(let deadline):
            schedule(at: deadline, context: context)
            context.write(data, promise: promise)
        case .none:
            context.write(data, promise: promise)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        perform(lifecycle.quiesce(), context: context)
    }

    private func perform(_ action: HTTPConnectionLifecycle.Action, context: ChannelHandlerContext) {
        switch action {
        case .none: break
        case .close: context.close(promise: nil)
        case .scheduleTimeout(let deadline): schedule(at: deadline, context: context)
        }
    }

    /// One timer at a time: a later deadline is found when it fires (the lifecycle reschedules).
    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (tracker, context) = loopBound.value
            tracker.timer = nil
            tracker.perform(tracker.lifecycle.timeoutFired(now: .now()), context: context)
        }
    }
}
