import Foundation
import NIOCore

/// One connection's outbound frames, drained by its writer task in order.
///
/// Bounded by bytes, not by waiting: producers (the room's fan-out, the registry event pump) never block on a slow
/// reader. When the pending bytes pass ``limitBytes`` the queue overflows: it stops accepting frames, finishes, and
/// the connection is dropped as a slow consumer — memory per connection stays bounded.
final class OutboundQueue: @unchecked Sendable {
    enum Item: Sendable, Equatable {
        case text(String)
        /// Write a close frame (RFC 6455 §5.5.1) and stop.
        case close(RoomSocketCloseCode, reason: String)
    }

    let limitBytes: Int
    let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    /// Yields once when the queue overflows. The writer may be stuck in a write to the slow peer and never see the
    /// end of ``stream``, so the connection watches this instead.
    let overflows: AsyncStream<Void>
    private let overflowContinuation: AsyncStream<Void>.Continuation
    private let lock = NSLock()
    private var pendingBytes = 0
    private var finished = false
    private var overflowedFlag = false
    /// Set for a live connection: accepted text frames go straight to its channel, in batches (the fan-out's fast
    /// path), and ``stream`` carries only the close. Nil: everything goes to ``stream`` (a session driven without a
    /// socket, as the tests do).
    private(set) var channelWriter: RoomSocketChannelWriter?

    init(limitBytes: Int, channel: (any Channel)? = nil) {
        self.limitBytes = max(1, limitBytes)
        (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .unbounded)
        (overflows, overflowContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingOldest(1))
        if let channel {
            // Weak: a drain already scheduled on the event loop may run after the connection dropped the queue.
            channelWriter = RoomSocketChannelWriter(channel: channel) { [weak self] bytes in self?.written(bytes: bytes)
            }
        }
    }

    /// Queues a text frame. False when the queue is closed or just overflowed.
    @discardableResult
    func send(_ text: String) -> Bool {
        send(RoomSocketFrame(text))
    }

    /// Queues an encoded text frame: a fan-out encodes its message once and hands every member the same frame.
    @discardableResult
    func send(_ frame: RoomSocketFrame) -> Bool {
        let size = frame.payloadBytes
        let accepted: Bool = lock.withLock {
            guard !finished else { return false }
            guard pendingBytes + size <= limitBytes else {
                finished = true
                overflowedFlag = true
                return false
            }
            pendingBytes += size
            return true
        }
        if accepted {
            if let channelWriter {
                channelWriter.enqueue(frame)
            } else {
                continuation.yield(.text(frame.text))
            }
        } else if overflowed {
            continuation.finish()
            overflowContinuation.yield()
            overflowContinuation.finish()
            channelWriter?.finish(.overflow)
        }
        return accepted
    }

    /// Queues the close frame; nothing is accepted after it.
    func close(_ code: RoomSocketCloseCode, reason: String) {
        let first: Bool = lock.withLock {
            guard !finished else { return false }
            finished = true
            return true
        }
        guard first else { return }
        continuation.yield(.close(code, reason: reason))
        continuation.finish()
        overflowContinuation.finish()
        channelWriter?.finish(.close(code, reason: reason))
    }

    /// The writer reports a frame as written.
    func written(_ item: Item) {
        guard case .text(let text) = item else { return }
        written(bytes: text.utf8.count)
    }

    /// The channel writer reports frames of this many bytes as handed to the channel.
    func written(bytes: Int) {
        lock.withLock { pendingBytes -= bytes }
    }

    var overflowed: Bool { lock.withLock { overflowedFlag } }
    var isClosed: Bool { lock.withLock { finished } }
    var pending: Int { lock.withLock { pendingBytes } }
}
