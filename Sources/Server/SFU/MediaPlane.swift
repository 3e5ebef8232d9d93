import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyMedia
import ParleyRooms
import ParleyWire
import Synchronization

/// The media plane (docs/architecture.md §The media plane): one UDP socket, owned with every peer and timer by one event loop. HTTP handlers
/// talk to it through the async methods below, which hop onto that loop.
///
/// Start it with ``start(configuration:rooms:logger:)`` and stop it with ``shutdown()``.
public final class MediaPlane: Sendable {
    public let eventLoop: any EventLoop
    /// The bound UDP address (the real port when `udp_port` was 0).
    public let localAddress: STUNAddress
    /// Host candidates advertised in answers.
    public let candidates: [STUNAddress]
    let group: MultiThreadedEventLoopGroup
    let channel: any Channel
    let core: NIOLoopBound<MediaPlaneCore>
    /// The fan-out's direct path to the socket `channel` reads (MediaPlane+FanOut).
    let fanOutSocket: NIOLoopBound<FanOutSocket>
    let clockOrigin: ContinuousClock.Instant
    let ticker: NIOLoopBoundBox<RepeatedTask?>
    let logger: Logger
    /// The registry subscription that ends room media (MediaPlane+Rooms); cancelled by `shutdown`.
    let roomFollower = Mutex<Task<Void, Never>?>(nil)

    /// Timer resolution: DTLS retransmissions start at 100 ms and consent is checked against 30 s.
    static let tickInterval = TimeAmount.milliseconds(20)

    /// Binds the UDP port and starts the loop. `rooms` learns when a session ends on its own (consent loss,
    /// DTLS failure): the publisher's stream stops, a player's subscription is removed; and the plane follows
    /// `rooms` to end a participant's sessions when it leaves (MediaPlane+Rooms).
    public static func start(
        configuration: MediaPlaneConfiguration, rooms: (any RoomDirectory)?,
        logger: Logger
    ) async throws -> MediaPlane {
        let dtlsContext = try DTLSContext.ephemeral()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let origin = ContinuousClock.now
        let handlerBox = UDPInboundHandler.Box()
        let channel: any Channel
        let descriptor: CInt
        do {
            // No SO_REUSEADDR: the port is this process's alone, so no other local socket can bind it and read or
            // steal media, and a port already taken fails start-up here. Bound here rather than by NIO so the
            // fan-out can write to it directly (FanOutSocket).
            descriptor = try FanOutSocket.bindSocket(host: configuration.bindHost, port: configuration.udpPort)
            channel = try await DatagramBootstrap(group: loop)
                // recvmmsg: up to `vectorReadCount` datagrams per syscall, and a read burst the handler sorts
                // STUN out of first (UDPInboundHandler).
                .channelOption(.datagramVectorReadMessageCount, value: UDPInboundHandler.vectorReadCount)
                .channelOption(
                    .recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(
                        capacity: UDPInboundHandler.vectorReadCount * UDPInboundHandler.datagramRoom)
                )
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UDPInboundHandler(box: handlerBox))
                    }
                }
                .withBoundSocket(descriptor).get()
        } catch {
            try? await group.shutdownGracefully()
            throw MediaPlaneError.portUnavailable(
                "cannot bind the WebRTC media port (webrtc.udp_port) UDP \(configuration.bindHost):\(configuration.udpPort)"
                    + (Self.isAddressInUse(error) ? ": the port is already in use by another socket" : "")
                    + " (\(error)); free it or choose another webrtc.udp_port")
        }
        guard let bound = channel.localAddress, let local = STUNAddress(bound) else {
            try? await channel.close()
            try? await group.shutdownGracefully()
            throw MediaPlaneError.internalFailure("UDP socket has no usable local address")
        }
        let candidates = Self.candidates(configuration: configuration, bound: local)
        let plane = try await loop.submit {
            let core = MediaPlaneCore(
                dtlsContext: dtlsContext, candidates: candidates,
                consentTimeout: configuration.consentTimeout,
                limits: configuration.limits, logger: logger,
                unixTimeAtZero: Date().timeIntervalSince1970)
            core.captures.settings = configuration.capture
            return MediaPlane(
                eventLoop: loop, group: group, channel: channel, localAddress: local,
                candidates: candidates, core: NIOLoopBound(core, eventLoop: loop),
                fanOutSocket: NIOLoopBound(
                    FanOutSocket(descriptor: descriptor, capacity: MediaPlaneCore.fanOutSlice), eventLoop: loop),
                clockOrigin: origin, logger: logger)
        }.get()
        try await loop.submit {
            handlerBox.plane = plane
            plane.core.value.onSessionEnded = { ended in plane.sessionEnded(ended, rooms: rooms) }
            plane.core.value.onFanOutSlice = { plane.flush() }
            plane.core.value.sendFanOutSlice = { slice, slots in plane.send(fanOutSlice: slice, slots: slots) }
            plane.ticker.value = loop.scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { _ in
                plane.core.value.tick(now: plane.now())
                plane.flush()
            }
        }.get()
        if let rooms { await plane.followRooms(rooms) }
        logger.info("media plane listening", metadata: ["udp": "\(local)", "candidates": "\(candidates)"])
        return plane
    }

    private init(
        eventLoop: any EventLoop, group: MultiThreadedEventLoopGroup, channel: any Channel,
        localAddress: STUNAddress, candidates: [STUNAddress], core: NIOLoopBound<MediaPlaneCore>,
        fanOutSocket: NIOLoopBound<FanOutSocket>, clockOrigin: ContinuousClock.Instant, logger: Logger
    ) {
        self.fanOutSocket = fanOutSocket
        self.eventLoop = eventLoop
        self.group = group
        self.channel = channel
        self.localAddress = localAddress
        self.candidates = candidates
        self.core = core
        self.clockOrigin = clockOrigin
        self.ticker = NIOLoopBoundBox(nil, eventLoop: eventLoop)
        self.logger = logger
    }

    // MARK: - commands (from any task)

    /// WHIP: a publisher session on `path`. Throws ``MediaPlaneError/pathBusy`` while another publishes there.
    public func publish(path: String, offer: SessionDescription) async throws -> SessionDescriptor {
        try await eventLoop.submit { [self] in
            try core.value.open(kind: .publisher, path: path, offer: offer, now: now())
        }.get()
    }

    /// WHEP: a player of `path`'s publisher. Throws ``MediaPlaneError/noPublisher`` when nobody publishes.
    public func play(path: String, offer: SessionDescription) async throws -> SessionDescriptor {
        try await eventLoop.submit { [self] in
            try core.value.open(kind: .subscriber, path: path, offer: offer, now: now())
        }.get()
    }

    /// Opens a session for an offer the caller already accepted with `SDPNegotiation.accept` (it is not
    /// negotiated again). `source` is the HTTP client address the caps count it under. Throws
    /// ``MediaPlaneError/overloaded(_:retryAfterSeconds:)`` when a cap is reached.
    public func open(
        _ kind: SessionKind, path: String, offer: SessionDescription, accepted: AcceptedOffer,
        source: String?
    ) async throws -> SessionDescriptor {
        try await eventLoop.submit { [self] in
            try core.value.open(kind: kind, path: path, offer: offer, accepted: accepted, source: source, now: now())
        }.get()
    }

    /// The caps' verdict on a session `source` would open on `path` now: a cheap early refusal, before the offer
    /// is read. `open` checks again, since another request may take the place in between.
    public func admissionRefusal(_ kind: SessionKind, path: String, source: String?) async -> MediaPlaneError? {
        try? await eventLoop.submit { [self] in
            core.value.admissionRefusal(kind: kind, path: path, source: source, now: now())
        }.get()
    }

    public func session(_ id: String) async -> SessionDescriptor? {
        try? await eventLoop.submit { [self] in core.value.describe(id) }.get()
    }

    /// True while a WHIP publisher is live on `path`.
    public func hasPublisher(path: String) async -> Bool {
        (try? await eventLoop.submit { [self] in core.value.publisherByPath[path] != nil }.get()) ?? false
    }

    /// What is live on the plane: each publication's tracks (codec, bitrate) and players, for /api/streams.
    public func publications() async -> [PublicationStats] {
        (try? await eventLoop.submit { [self] in core.value.publications() }.get()) ?? []
    }

    public func restartICE(session id: String, remoteUfrag: String) async throws -> SessionDescriptor {
        try await eventLoop.submit { [self] in try core.value.restartICE(id, remoteUfrag: remoteUfrag) }.get()
    }

    /// Ends a session (WHIP/WHEP DELETE): media stops at once. Nil when there was no such session.
    @discardableResult
    public func close(session id: String) async -> SessionDescriptor? {
        try? await eventLoop.submit { [self] in
            let ended = core.value.close(id, now: now(), reason: "ended by DELETE", notify: false)
            flush()
            return ended
        }.get()
    }

    /// Closes every session (close_notify to each peer), the socket and the loop.
    public func shutdown() async {
        stopFollowingRooms()
        // Before the sessions close: a capture the last session's close would end is then finished here, awaited.
        await stopAllCaptures(reason: "server shutting down")
        // The recorder finishes its own first on a graceful shutdown; whatever is left is closed complete here.
        await stopAllRecordingCaptures(reason: "server shutting down")
        try? await eventLoop.submit { [self] in
            ticker.value?.cancel()
            ticker.value = nil
            core.value.closeAll(now: now())
            flush()
        }.get()
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    // MARK: - on the loop

    func now() -> MediaTime { MediaTime(since: clockOrigin, now: .now) }

    func received(_ bytes: [UInt8], from source: STUNAddress) {
        core.value.handle(datagram: bytes, from: source, now: now())
        flush()
    }

    /// Writes everything the core queued, then one flush (NIO sends the pending datagrams with sendmmsg).
    func flush() {
        let core = core.value
        guard !core.outbox.isEmpty else { return }
        core.sendOutbox { channel.write($0, promise: nil) }
        channel.flush()
    }

    func sessionEnded(_ ended: SessionDescriptor, rooms: (any RoomDirectory)?) {
        guard let rooms, let path = StreamPath(ended.path) else { return }
        let logger = self.logger
        Task {
            do {
                switch ended.kind {
                case .publisher: _ = try await rooms.stopStream(path)
                case .subscriber: _ = try await rooms.removeSubscriber(path)
                }
            } catch {
                logger.debug(
                    "registry already without this stream", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
    }

    static func isAddressInUse(_ error: any Error) -> Bool {
        if let io = error as? IOError { return io.errnoCode == EADDRINUSE }
        return false
    }

    static func candidates(configuration: MediaPlaneConfiguration, bound: STUNAddress) -> [STUNAddress] {
        let announced = configuration.announce.compactMap { IPAddress($0) }.map {
            STUNAddress(ip: $0, port: bound.port)
        }
        if !announced.isEmpty { return announced }
        if !bound.ip.bytes.allSatisfy({ $0 == 0 }) { return [bound] }
        // Wildcard bind: every IPv4 interface address (aioice pairs only same-family literals).
        let devices = (try? System.enumerateDevices()) ?? []
        var seen = Set<STUNAddress>()
        var result: [STUNAddress] = []
        for device in devices {
            guard let address = device.address, case .v4 = address, let candidate = STUNAddress(address) else {
                continue
            }
            let withPort = STUNAddress(ip: candidate.ip, port: bound.port)
            if seen.insert(withPort).inserted { result.append(withPort) }
        }
        return result
    }
}
