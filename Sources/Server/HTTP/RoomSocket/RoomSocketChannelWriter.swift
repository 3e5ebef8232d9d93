import Foundation
import NIOCore
import NIOWebSocket

/// Writes one room socket's text frames straight onto its channel, in batches on the channel's event loop.
///
/// A room fan-out queues the same frame for every member. Through the WebSocket writer each frame cost a task
/// resume, an async write that hops to the event loop, and a flush (one `writev`) per member. Here producers only
/// append under a lock; the first append after a drain schedules one drain on the event loop, which writes every
/// frame queued meanwhile and flushes once. The frames arrive encoded (``RoomSocketFrame``, RFC 6455 §5.6 text
/// frames, unmasked as a server's are, §5.1), so they are written as bytes just on the socket side of the WebSocket
/// frame encoder: every member's channel shares one buffer per message, and nothing is copied or boxed per member.
/// Whatever sits between the encoder and the socket (TLS) still sees every byte.
///
/// Back-pressure stays where the queue puts it: while the channel is not writable nothing is drained, frames wait
/// here (counted against ``OutboundQueue/limitBytes``) and the queue overflows on a reader that never catches up.
/// The close frame is not written here: the connection's writer sends it through the WebSocket layer (which runs the
/// closing handshake) once ``ended()`` says every frame before it is on the channel.
final class RoomSocketChannelWriter: @unchecked Sendable {
    /// How the queue ended: its close frame to send, an overflow (the rest is dropped), or a closed channel.
    enum End: Sendable, Equatable {
        case close(RoomSocketCloseCode, reason: String)
        case overflow
        case channelClosed
    }

    private let channel: any Channel
    /// Told how many bytes reached the channel, so the queue's byte bound counts only what still waits here.
    private let written: @Sendable (Int) -> Void
    private let lock = NSLock()
    private var pending: [RoomSocketFrame] = []
    /// The observer's place in the pipeline, where encoded frames enter it. Only touched on the event loop.
    private var context: ChannelHandlerContext?
    private var drainScheduled = false
    /// The channel was not writable at the last drain; its writability change resumes draining.
    private var paused = false
    private var channelGone = false
    private var end: End?
    private var endWaiter: CheckedContinuation<End, Never>?

    init(channel: any Channel, written: @escaping @Sendable (Int) -> Void) {
        self.channel = channel
        self.written = written
    }

    /// Adds the observer (on the socket side of the WebSocket frame encoder) that resumes draining when the channel
    /// becomes writable and ends the writer when it closes.
    func install() async {
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let operations = channel.pipeline.syncOperations
                let encoder = try operations.handler(type: WebSocketFrameEncoder.self)
                try operations.addHandler(Observer(writer: self), position: .before(encoder))
            }.get()
        } catch {
            closed() // the channel went before the upgrade finished
        }
    }

    /// Queues a frame (the queue has already accepted its bytes).
    func enqueue(_ frame: RoomSocketFrame) {
        let schedule: Bool = lock.withLock {
            guard !channelGone else { return false }
            pending.append(frame)
            guard !drainScheduled, !paused else { return false }
            drainScheduled = true
            return true
        }
        if schedule { channel.eventLoop.execute { self.drain() } }
    }

    /// The queue is over: ``ended()`` returns at once for an overflow, else once every queued frame is on the channel.
    func finish(_ how: End) {
        let resume: (CheckedContinuation<End, Never>, End)? = lock.withLock {
            guard end == nil else { return nil }
            end = how
            if how == .overflow { pending.removeAll() }
            return takeWaiterIfDone()
        }
        resume.map { $0.0.resume(returning: $0.1) }
    }

    /// Waits until the queue ended and everything before its end reached the channel (or the channel is gone).
    func ended() async -> End {
        await withCheckedContinuation { continuation in
            let resume: (CheckedContinuation<End, Never>, End)? = lock.withLock {
                endWaiter = continuation
                return takeWaiterIfDone()
            }
            resume.map { $0.0.resume(returning: $0.1) }
        }
    }

    /// Under the lock: the waiter (removed) and how the queue ended, once it has and nothing before its end is left
    /// to write. A closed channel alone does not end it: the connection's reader ends the membership (left or
    /// dropped, as it read) and closes the queue; the writer must not get there first with a guess.
    private func takeWaiterIfDone() -> (CheckedContinuation<End, Never>, End)? {
        guard let waiter = endWaiter, let end else { return nil }
        let result: End
        if channelGone {
            result = .channelClosed
        } else if end == .overflow || (pending.isEmpty && !drainScheduled) {
            result = end
        } else {
            return nil
        }
        endWaiter = nil
        return (waiter, result)
    }

    /// On the event loop: writes every queued frame and flushes once.
    private func drain() {
        guard channel.isActive, let context else { return closed() }
        let batch: [RoomSocketFrame] = lock.withLock {
            drainScheduled = false
            guard channel.isWritable else {
                paused = true
                return []
            }
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        if !batch.isEmpty {
            var bytes = 0
            for frame in batch {
                context.write(NIOAny(frame.wire), promise: nil)
                bytes += frame.payloadBytes
            }
            context.flush()
            written(bytes)
        }
        let resume = lock.withLock { takeWaiterIfDone() }
        resume.map { $0.0.resume(returning: $0.1) }
    }

    /// On the event loop.
    fileprivate func writabilityChanged() {
        let resume: Bool = lock.withLock {
            guard paused, !channelGone, channel.isWritable else { return false }
            paused = false
            drainScheduled = true
            return true
        }
        if resume { drain() }
    }

    /// Nothing more can be written: queued frames are dropped; ``ended()`` returns once the queue ends.
    fileprivate func closed() {
        let resume: (CheckedContinuation<End, Never>, End)? = lock.withLock {
            channelGone = true
            pending.removeAll()
            drainScheduled = false
            return takeWaiterIfDone()
        }
        resume.map { $0.0.resume(returning: $0.1) }
    }

    /// Sits next to the socket: sees writability changes and the close before any other handler.
    private final class Observer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let writer: RoomSocketChannelWriter

        init(writer: RoomSocketChannelWriter) {
            self.writer = writer
        }

        func handlerAdded(context: ChannelHandlerContext) {
            writer.context = context
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            writer.context = nil
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            writer.writabilityChanged()
            context.fireChannelWritabilityChanged()
        }

        func channelInactive(context: ChannelHandlerContext) {
            writer.closed()
            context.fireChannelInactive()
        }
    }
}
