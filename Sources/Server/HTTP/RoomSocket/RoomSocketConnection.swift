import Foundation
import HummingbirdWebSocket
import ParleyRooms

/// Runs one joined connection: a writer draining the queue, a reader feeding the session, the registry event
/// pump, and the idle watchdog. The connection is over when the writer stops (close frame written, queue
/// overflowed, or the socket failed); the other tasks are then cancelled.
struct RoomSocketConnection: Sendable {
    let session: RoomSocketSession
    let queue: OutboundQueue
    let options: RoomSocketOptions

    func run(
        events: AsyncStream<RoomEvent>, inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter
    ) async {
        // The event pump is deliberately not a child of the group and never cancelled: cancelling a task that waits
        // on the registry's stream runs its `onTermination` under the task's status lock, which can deadlock against
        // `EventHub.publish` (it yields while holding its own lock). The pump ends by itself at the next registry
        // event once the session is over.
        Task { await pump(events) }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await write(outbound); return true
            }
            group.addTask {
                await read(inbound); return false
            }
            group.addTask {
                await watch(); return false
            }
            group.addTask { await overflowed() }
            for await wasWriter in group where wasWriter {
                group.cancelAll()
                break
            }
        }
    }

    /// Writes queued frames in order. Ends at the close item, on overflow (slow consumer) or a write failure.
    func write(_ outbound: WebSocketOutboundWriter) async {
        if let writer = queue.channelWriter { return await close(outbound, after: writer) }
        for await item in queue.stream {
            do {
                switch item {
                case .text(let text):
                    try await outbound.write(.text(text))
                    queue.written(item)
                case .close(let code, let reason):
                    try await outbound.close(.init(codeNumber: Int(code.rawValue)), reason: reason)
                    return
                }
            } catch {
                await session.endMembership(leave: .dropped)
                return
            }
        }
        // The stream finished without a close item: the queue overflowed. Nothing more can be sent to a reader
        // this slow; leave the room so nobody queues more for it.
        await session.endMembership(leave: .dropped)
        try? await outbound.close(
            .init(codeNumber: Int(RoomSocketCloseCode.slowConsumer.rawValue)),
            reason: RoomSocketErrorCode.slowConsumer)
    }

    /// With the text frames going straight to the channel, only the end is left to this task: the close frame once
    /// every frame before it is on the channel, as ``write(_:)`` does for the queue's stream.
    func close(_ outbound: WebSocketOutboundWriter, after writer: RoomSocketChannelWriter) async {
        switch await writer.ended() {
        case .close(let code, let reason):
            do {
                try await outbound.close(.init(codeNumber: Int(code.rawValue)), reason: reason)
            } catch {
                await session.endMembership(leave: .dropped)
            }
        case .overflow:
            await session.endMembership(leave: .dropped)
            try? await outbound.close(
                .init(codeNumber: Int(RoomSocketCloseCode.slowConsumer.rawValue)),
                reason: RoomSocketErrorCode.slowConsumer)
        case .channelClosed:
            await session.endMembership(leave: .dropped)
        }
    }

    /// True (the connection is over) when the queue overflowed; false when it closed normally.
    func overflowed() async -> Bool {
        for await _ in queue.overflows {
            // The peer reads too slowly: out of the room now, even while the writer is still stuck writing to it.
            await session.endMembership(leave: .dropped)
            return true
        }
        return false
    }

    func read(_ inbound: WebSocketInboundStream) async {
        var iterator = inbound.makeAsyncIterator()
        var leave = LeaveReason.left
        do {
            // Fragments may add up to a few times the limit before WSCore refuses them (1009); the session then
            // applies the exact limit with an `error` event.
            while let message = try await iterator.nextMessage(maxSize: options.maxMessageBytes * 4) {
                switch message {
                case .text(let text): await session.receive(text)
                case .binary: await session.receiveBinary()
                }
            }
        } catch {
            leave = .dropped
        }
        guard !Task.isCancelled else { return }
        await session.endMembership(leave: leave)
        queue.close(.normal, reason: "")
    }

    func pump(_ events: AsyncStream<RoomEvent>) async {
        for await event in events {
            guard await !session.membershipOver else { return }
            await session.apply(event)
        }
        guard await !session.membershipOver else { return }
        // The registry cut this subscriber off for falling behind: its view would have holes, so it goes.
        await session.terminate(
            .slowConsumer,
            error: (
                RoomSocketErrorCode.slowConsumer,
                "This connection fell too far behind the room's events."
            ),
            leave: .dropped)
    }

    func watch() async {
        let step = min(Duration.seconds(1), options.idleTimeout / 4)
        while !Task.isCancelled {
            try? await Task.sleep(for: step)
            if await session.idleFor > options.idleTimeout {
                await session.terminate(
                    .heartbeatTimeout,
                    error: (
                        RoomSocketErrorCode.heartbeatTimeout,
                        "Nothing received within the idle timeout."
                    ),
                    leave: .dropped)
                return
            }
        }
    }
}
