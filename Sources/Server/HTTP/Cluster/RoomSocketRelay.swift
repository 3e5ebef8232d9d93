import Foundation
import HTTPTypes
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOCore

/// Pipes one participant's room WebSocket, received by a node that does not own the room, to the owner's internal
/// room socket (`/internal/cluster/room/{room_id}`, same query): one upstream WebSocket per participant. The owner
/// runs the room (join checks, presence, chat, hands, moderation, events); this node only copies messages both ways,
/// in order, and carries each side's close to the other:
/// - the owner closes (kick 4100, end 4101, a refused join 4xxx, leave 1000): the participant gets the same code
///   and reason (RFC 6455 §7.4: codes 4000–4999 are the application's, so they pass through unchanged);
/// - the participant closes: the owner gets 1000, or 1001 "going away" when the participant's connection failed;
/// - the owner cannot be reached, refuses the upgrade, does not accept it within the connect timeout, or its
///   connection ends without a close frame: the participant gets an `error` event `room_unavailable`, then 4105,
///   and may reconnect (through any node: by then the directory may name a new owner).
struct RoomSocketRelay: Sendable {
    let maxMessageBytes: Int
    let connectTimeout: Duration
    let logger: Logger

    /// The owner's internal room socket for `room`, with the participant's query: `http` → `ws`, `https` → `wss`.
    static func upstreamURL(owner: ClusterPeer, room: String, query: String) -> String? {
        var base = owner.advertiseURL
        while base.hasSuffix("/") { base.removeLast() }
        let scheme: String
        if base.hasPrefix("https://") {
            scheme = "wss://"
            base.removeFirst("https://".count)
        } else if base.hasPrefix("http://") {
            scheme = "ws://"
            base.removeFirst("http://".count)
        } else {
            return nil
        }
        guard !base.isEmpty, let encodedRoom = room.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)
        else { return nil }
        return scheme + base + ClusterRoutes.roomSocketPrefix + encodedRoom + (query.isEmpty ? "" : "?" + query)
    }

    /// Relays until both sides are closed. `headers` authenticate the upstream upgrade (secret, hop, address).
    func run(
        upstream url: String, headers: HTTPFields, inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter
    ) async {
        let (ready, readySignal) = AsyncStream.makeStream(
            of: WebSocketOutboundWriter.self, bufferingPolicy: .bufferingNewest(1))
        // The participant's ending is written once, by whichever comes first: the owner's close (or a failed
        // attempt) or the watchdog.
        let answered = RelayLatch()
        let heard = RelayLatch()
        await withTaskGroup(of: Bool.self) { group in
            // Owner → participant, then the owner's close. The relay is over when this one ends.
            group.addTask {
                // Built here: the client is not Sendable, so it lives in the one task that runs it.
                let client = WebSocketClient(
                    url: url,
                    configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers),
                    logger: logger
                ) { upstreamInbound, upstreamOutbound, _ in
                    guard !answered.isSettled else { return } // the watchdog already gave up on this connection
                    readySignal.yield(upstreamOutbound)
                    ClusterRelayMetrics.relayed.increment()
                    ClusterRelayMetrics.open.record(RelayLatch.opened(+1))
                    defer { ClusterRelayMetrics.open.record(RelayLatch.opened(-1)) }
                    // The owner's frames are its own, bounded by its own limits; the participant reads them unchanged.
                    var iterator = upstreamInbound.makeAsyncIterator()
                    while let message = try await iterator.nextMessage(maxSize: 1 << 24) {
                        _ = heard.settle()
                        try await outbound.write(Self.frame(message))
                    }
                }
                let ending: RelayEnding
                do {
                    ending = .closed(try await client.run())
                } catch {
                    ending = .failed(String(describing: error))
                }
                readySignal.finish()
                if answered.settle() { await Self.finish(ending, outbound: outbound, logger: logger) }
                return true
            }
            // Participant → owner, once the upgrade is accepted.
            group.addTask {
                var upstream: WebSocketOutboundWriter?
                for await writer in ready {
                    upstream = writer
                    break
                }
                guard let upstream else { return false }
                await Self.pipe(inbound, to: upstream, maxMessageBytes: maxMessageBytes)
                return false
            }
            // The owner answers every join at once (`joined` or an `error` and its close). Silence past the connect
            // timeout means it never accepted the upgrade (stopped, overloaded), or its first frames were lost: the
            // WebSocket client (swift-websocket 1.6.2) can drop frames that arrive in the same read as the 101
            // response. Either way the participant is not held in silence: `room_unavailable` and 4105, and it
            // reconnects; the upstream attempt ends with the relay.
            group.addTask {
                try? await Task.sleep(for: connectTimeout)
                guard !Task.isCancelled, !heard.isSettled, answered.settle() else { return false }
                readySignal.finish()
                await Self.finish(
                    .failed("the owner sent nothing within the connect timeout"), outbound: outbound, logger: logger)
                return true
            }
            for await relayOver in group where relayOver {
                group.cancelAll()
                break
            }
        }
    }

    /// Copies the participant's messages to the owner; on the participant's close, closes the owner's side.
    static func pipe(_ inbound: WebSocketInboundStream, to upstream: WebSocketOutboundWriter, maxMessageBytes: Int)
        async
    {
        var iterator = inbound.makeAsyncIterator()
        do {
            // The owner applies the exact message limit (an `error` event); this bound only stops a flood early,
            // as the direct socket's reader does.
            while let message = try await iterator.nextMessage(maxSize: maxMessageBytes * 4) {
                try await upstream.write(frame(message))
            }
            guard !Task.isCancelled else { return }
            try? await upstream.close(.normalClosure, reason: nil)
        } catch {
            guard !Task.isCancelled else { return }
            try? await upstream.close(.goingAway, reason: nil)
        }
    }

    static func frame(_ message: WebSocketMessage) -> WebSocketOutboundWriter.OutboundFrame {
        switch message {
        case .text(let text): .text(text)
        case .binary(let buffer): .binary(buffer)
        }
    }

    /// Closes the participant's socket the way the owner's ended.
    static func finish(_ ending: RelayEnding, outbound: WebSocketOutboundWriter, logger: Logger) async {
        switch ending {
        case .closed(let frame?):
            try? await outbound.close(frame.closeCode, reason: frame.reason)
        case .closed(nil), .failed:
            ClusterRelayMetrics.unavailable.increment()
            if case .failed(let why) = ending {
                logger.notice("room socket relay: owner unreachable", metadata: ["error": "\(why)"])
            }
            try? await outbound.write(
                .text(
                    RoomSocketEnvelope.error(
                        RoomSocketErrorCode.roomUnavailable,
                        "The node that runs this room could not be reached; reconnect.")))
            try? await outbound.close(
                .init(codeNumber: Int(RoomSocketCloseCode.roomUnavailable.rawValue)),
                reason: RoomSocketErrorCode.roomUnavailable)
        }
    }
}

/// How the owner's side of a relayed socket ended.
enum RelayEnding: Sendable {
    /// The owner closed (nil: the connection ended without a close frame).
    case closed(WebSocketCloseFrame?)
    /// Never connected: refused, unreachable, or the upgrade timed out.
    case failed(String)
}

extension RelayLatch {
    private static let openLock = NSLock()
    nonisolated(unsafe) private static var openCount = 0

    /// Relayed sockets open on this node after adding `change` (for the gauge).
    static func opened(_ change: Int) -> Int {
        openLock.withLock {
            openCount += change
            return openCount
        }
    }
}

/// Decides once between "the upgrade was accepted" and "the watchdog gave up", whichever comes first.
final class RelayLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var settled = false

    var isSettled: Bool { lock.withLock { settled } }

    /// True for the first caller only.
    func settle() -> Bool {
        lock.withLock {
            guard !settled else { return false }
            settled = true
            return true
        }
    }
}
