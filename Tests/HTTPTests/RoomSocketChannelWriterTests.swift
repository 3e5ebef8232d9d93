import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ParleyHTTP

@Suite("Room socket channel writer: frames in batches on the event loop")
struct RoomSocketChannelWriterTests {
    /// Counts flushes that reach the socket end of the pipeline.
    final class FlushCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = NIOAny
        private let lock = NSLock()
        private var flushes = 0
        var count: Int { lock.withLock { flushes } }

        func flush(context: ChannelHandlerContext) {
            lock.withLock { flushes += 1 }
            context.flush()
        }
    }

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var total = 0
        var value: Int { lock.withLock { total } }
        func add(_ n: Int) { lock.withLock { total += n } }
    }

    struct Rig {
        let channel: NIOAsyncTestingChannel
        let flushes: FlushCounter
        let writer: RoomSocketChannelWriter
        let written: Box

        /// Runs after every task already queued on the loop (the loop is serial).
        func settle() async throws { try await channel.testingEventLoop.executeInContext {} }

        func becomeWritable() async throws {
            channel.isWritable = true
            let channel = self.channel
            try await channel.testingEventLoop.executeInContext { channel.pipeline.fireChannelWritabilityChanged() }
        }

        /// The text frames that reached the socket end, parsed from the bytes written there.
        func texts() async throws -> [String] {
            var bytes = ByteBuffer()
            while var chunk = try await channel.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&chunk) }
            return try RoomSocketFrameTests.parseTextFrames(&bytes)
        }
    }

    static func rig() async throws -> Rig {
        let flushes = FlushCounter()
        // As after the upgrade: the frame encoder above the socket (the writer puts its frames on its socket side).
        let channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandlers([flushes, WebSocketFrameEncoder()])
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        let written = Box()
        let writer = RoomSocketChannelWriter(channel: channel) { written.add($0) }
        await writer.install()
        return Rig(channel: channel, flushes: flushes, writer: writer, written: written)
    }

    /// `ended()` in a task, and whether it has returned yet.
    static func ending(_ writer: RoomSocketChannelWriter) -> (Task<RoomSocketChannelWriter.End, Never>, Box) {
        let returned = Box()
        let task = Task {
            let end = await writer.ended()
            returned.add(1)
            return end
        }
        return (task, returned)
    }

    /// Gives a wrongly early `ended()` time to return: it must still be waiting afterwards.
    static func pause() async throws { try await Task.sleep(for: .milliseconds(150)) }

    @Test("frames queued meanwhile go out in order, as unmasked text frames, in one flush")
    func batches() async throws {
        let rig = try await Self.rig()
        rig.channel.isWritable = false // the first drain pauses, so all three wait for one drain
        for text in ["one", "two", "three"] { rig.writer.enqueue(RoomSocketFrame(text)) }
        try await rig.settle()
        #expect(try await rig.texts() == [])
        let before = rig.flushes.count
        try await rig.becomeWritable()
        #expect(try await rig.texts() == ["one", "two", "three"])
        #expect(rig.flushes.count - before == 1)
        #expect(rig.written.value == 11)
    }

    @Test("a channel without a WebSocket frame encoder is no socket to write to: the writer ends as closed")
    func noEncoder() async throws {
        let channel = await NIOAsyncTestingChannel()
        let writer = RoomSocketChannelWriter(channel: channel) { _ in }
        await writer.install()
        writer.enqueue(RoomSocketFrame("nowhere"))
        writer.finish(.close(.normal, reason: ""))
        #expect(await writer.ended() == .channelClosed)
        #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("the end waits until every frame before the close is on the channel")
    func closeAfterFrames() async throws {
        let rig = try await Self.rig()
        rig.channel.isWritable = false
        rig.writer.enqueue(RoomSocketFrame("last"))
        rig.writer.finish(.close(.normal, reason: "bye"))
        try await rig.settle()
        let (ended, returned) = Self.ending(rig.writer)
        try await Self.pause()
        #expect(returned.value == 0)
        try await rig.becomeWritable()
        #expect(await ended.value == .close(.normal, reason: "bye"))
        #expect(try await rig.texts() == ["last"])
    }

    @Test("an overflow ends at once and drops what waits")
    func overflow() async throws {
        let rig = try await Self.rig()
        rig.channel.isWritable = false
        rig.writer.enqueue(RoomSocketFrame("dropped"))
        try await rig.settle()
        rig.writer.finish(.overflow)
        #expect(await rig.writer.ended() == .overflow)
        try await rig.becomeWritable()
        #expect(try await rig.texts() == [])
        // Accepted by nobody: the queue never sends after its end, and this must not crash.
        rig.writer.enqueue(RoomSocketFrame("after"))
    }

    @Test("a closed channel drops queued frames; the end still waits for the queue to end")
    func channelClosed() async throws {
        let rig = try await Self.rig()
        rig.channel.isWritable = false
        rig.writer.enqueue(RoomSocketFrame("lost"))
        try await rig.settle()
        try await rig.channel.close()
        let (ended, returned) = Self.ending(rig.writer)
        try await Self.pause()
        #expect(returned.value == 0) // the reader, not the writer, ends the membership
        rig.writer.finish(.close(.normal, reason: ""))
        #expect(await ended.value == .channelClosed)
        #expect(try await rig.texts() == [])
    }
}
