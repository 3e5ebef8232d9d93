import Foundation
import NIOCore
import NIOPosix
import ParleyWire

/// A publisher and players of one stream path on the runner's own WebRTC client, for cases that need DTLS and
/// SRTP up: every client lives on one event loop, whose 20 ms timer drives ICE, DTLS and RTCP.
final class MediaHarness: @unchecked Sendable {
    let signaling: MediaSignaling
    let streamPath: String
    let timeoutScale: Double
    let loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    let clock: @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }
    // Loop-confined.
    var clients: [WebRTCClient] = []
    var channels: [any Channel] = []
    var sessions: [MediaSignaling.Session] = []
    var timer: RepeatedTask?

    init(_ context: CaseContext, signaling: MediaSignaling, slug: String) {
        self.signaling = signaling
        streamPath = HandshakeTarget.streamPath(slug)
        timeoutScale = context.options.timeoutScale
    }

    /// What a client does with incoming datagrams before the WebRTC client sees them.
    typealias Filter = @Sendable ([UInt8], UInt64) -> Bool

    /// Negotiates one session and starts ICE. `announce` is the certificate whose fingerprint the offer carries
    /// (default: the one DTLS presents); `filter` returning false drops an incoming datagram.
    func connect(
        sending: Bool, certificate: DTLSClientContext, announce: DTLSClientContext? = nil, filter: Filter? = nil
    ) async throws(CaseStop) -> WebRTCClient {
        if timer == nil {
            timer = loop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in
                let now = self.clock()
                for client in self.clients { client.tick(now: now) }
            }
        }
        do {
            let handler = FilteringDatagramHandler(clock: clock, filter: filter)
            let channel = try await DatagramBootstrap(group: loop)
                .channelInitializer { $0.pipeline.addHandler(handler) }
                .bind(host: "127.0.0.1", port: 0).get()
            try await loop.submit { self.channels.append(channel) }.get()
            guard let port = channel.localAddress?.port, let ip = IPAddress("127.0.0.1") else {
                throw CaseStop.broken("the UDP socket has no local port")
            }
            let ice = ICEParameters.random()
            let ssrc = UInt32.random(in: 1...UInt32.max)
            let offer = ClientOffer(
                ice: ice, fingerprint: (announce ?? certificate).fingerprint, sending: sending, ssrc: ssrc,
                candidate: STUNAddress(ip: ip, port: UInt16(port)))
            let session = try await signaling.open(publishing: sending, streamPath: streamPath, offer: offer.sdp)
            try await loop.submit { self.sessions.append(session) }.get()
            let answer = try ClientAnswer(sdp: session.answer)
            let agent = ICEControllingAgent(
                local: ice, remote: answer.ice, remoteCandidates: answer.candidates.filter { $0.ip.isIPv4 },
                checkTimeout: UInt64(10 * timeoutScale * 1e9))
            let dtls = try DTLSClientSession(context: certificate, expected: answer.fingerprints)
            let client = WebRTCClient(
                channel: channel, sending: sending, ssrc: ssrc, payloadType: answer.opusPayloadType, ice: agent,
                dtls: dtls)
            try await loop.submit {
                handler.client = client
                self.clients.append(client)
            }.get()
            return client
        } catch let stop as CaseStop {
            throw stop
        } catch {
            throw .broken("\(sending ? "WHIP publish" : "WHEP play") the case needs: \(error)")
        }
    }

    /// Waits until `client` is connected or failed, at most `seconds` (scaled); the phase it ended in.
    func settle(_ client: WebRTCClient, within seconds: Double) async -> WebRTCClient.Phase {
        let deadline = clock() + UInt64(seconds * timeoutScale * 1e9)
        var phase = WebRTCClient.Phase.ice
        while clock() < deadline {
            phase = (try? await loop.submit { client.phase }.get()) ?? phase
            if phase.isSettled { return phase }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return phase
    }

    /// Connected within `seconds`, or the case stops as BROKEN naming the phase it reached.
    func requireConnected(_ client: WebRTCClient, _ role: String, within seconds: Double = 15) async throws(CaseStop) {
        let phase = await settle(client, within: seconds)
        guard phase == .connected else { throw .broken("the \(role) did not connect: \(phase)") }
    }

    /// Runs `body` on the loop that owns the clients.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T? {
        try? await loop.submit(body).get()
    }

    func close() async {
        timer?.cancel()
        let sessions = (await onLoop { self.sessions }) ?? []
        for session in sessions { await signaling.close(session) }
        let channels = (await onLoop { self.channels }) ?? []
        for channel in channels { try? await channel.close().get() }
    }

    /// Runs `body` with a harness and closes everything after, whatever happened.
    static func with(
        _ context: CaseContext, slug: String, _ body: (MediaHarness) async throws -> CaseOutcome
    ) async throws -> CaseOutcome {
        let harness = MediaHarness(context, signaling: await HandshakeTarget.signaling(context), slug: slug)
        do {
            let outcome = try await body(harness)
            await harness.close()
            return outcome
        } catch {
            await harness.close()
            throw error
        }
    }
}

/// Hands each datagram to the client unless the case's filter drops it (simulated loss).
final class FilteringDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    var client: WebRTCClient?
    let clock: @Sendable () -> UInt64
    let filter: MediaHarness.Filter?

    init(clock: @escaping @Sendable () -> UInt64, filter: MediaHarness.Filter?) {
        self.clock = clock
        self.filter = filter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let client else { return }
        let bytes = envelope.data.getBytes(at: envelope.data.readerIndex, length: envelope.data.readableBytes) ?? []
        let now = clock()
        if let filter, !filter(bytes, now) { return }
        client.receive(bytes, from: envelope.remoteAddress, now: now)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

extension WebRTCClient {
    /// The next Opus packet of this publisher, SRTP-protected but not sent, so a case can send it twice or
    /// change it first (RFC 7587 timing: timestamp +960 per frame).
    func protectedFrame(_ payload: [UInt8]) -> [UInt8]? {
        guard phase == .connected, let srtp else { return nil }
        let packet = RTPPacket(
            marker: false, payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc,
            payload: payload)
        sequence &+= 1
        timestamp &+= 960
        return try? srtp.protectRTP(packet.encode())
    }

    /// Sends bytes as they are to the selected server address.
    func sendRaw(_ bytes: [UInt8]) {
        guard let remoteAddress else { return }
        write(bytes, to: remoteAddress)
    }
}
