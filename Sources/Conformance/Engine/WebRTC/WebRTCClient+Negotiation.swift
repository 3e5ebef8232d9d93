import NIOCore
import NIOPosix
import ParleyCrypto
import ParleyWire

/// One negotiated client: its socket, the signalling session to close, and the client itself (live on `loop`).
struct NegotiatedClient {
    var client: WebRTCClient
    var channel: any Channel
    var session: MediaSignaling.Session
    var answer: ClientAnswer
    /// Offer → answer request time (monotonic ns).
    var requestedAt: UInt64
}

/// A client's loopback UDP socket and the offer it makes, before any signalling: the first half of every
/// negotiation (WHIP/WHEP through `MediaSignaling`, or a case's own HTTP exchange).
struct ClientSocket {
    let channel: any Channel
    let handler: ClientDatagramHandler
    let loop: any EventLoop
    let ice = ICEParameters.random()
    let candidate: STUNAddress

    /// Binds 127.0.0.1:0 on `loop`, with kernel receive stamps where the platform has them
    /// (``KernelArrivalTime``); `filter` sees every datagram before the client does.
    static func bind(
        on loop: any EventLoop, clock: @escaping @Sendable () -> UInt64, filter: ClientDatagramHandler.Filter? = nil
    ) async throws -> ClientSocket {
        let stamped = KernelArrivalTime.loopbackSocket()
        let handler = ClientDatagramHandler(clock: clock, filter: filter, stampedDescriptor: stamped)
        let bootstrap = DatagramBootstrap(group: loop).channelInitializer { $0.pipeline.addHandler(handler) }
        // NIO owns (and closes) an adopted descriptor from here on, also when adopting it fails.
        let channel =
            try await (stamped.map { bootstrap.withBoundSocket($0) } ?? bootstrap.bind(host: "127.0.0.1", port: 0))
            .get()
        guard let port = channel.localAddress?.port, let ip = IPAddress("127.0.0.1") else {
            try? await channel.close().get()
            throw MediaSignaling.Refused(description: "the UDP socket has no local port")
        }
        return ClientSocket(
            channel: channel, handler: handler, loop: loop, candidate: STUNAddress(ip: ip, port: UInt16(port)))
    }

    /// The offer this socket makes; `fingerprint` is what the offer announces (normally the DTLS certificate's).
    func offer(fingerprint: CertificateFingerprint, sending: Bool, ssrc: UInt32, videoSSRC: UInt32?) -> ClientOffer {
        ClientOffer(
            ice: ice, fingerprint: fingerprint, sending: sending, ssrc: ssrc, candidate: candidate, videoSSRC: videoSSRC
        )
    }

    /// Builds the client for `answer` (ICE controlling toward its IPv4 candidates, DTLS pinned to its fingerprints)
    /// and hands it this socket's datagrams; ICE starts at the client's next tick.
    func start(
        answer: ClientAnswer, context: DTLSClientContext, sending: Bool, ssrc: UInt32,
        video: (ssrc: UInt32, payloadType: UInt8)?, timeoutScale: Double
    ) async throws -> WebRTCClient {
        let agent = ICEControllingAgent(
            local: ice, remote: answer.ice, remoteCandidates: answer.candidates.filter { $0.ip.isIPv4 },
            checkTimeout: UInt64(10 * timeoutScale * 1e9))
        let dtls = try DTLSClientSession(context: context, expected: answer.fingerprints)
        let client = WebRTCClient(
            channel: channel, sending: sending, ssrc: ssrc, payloadType: answer.opusPayloadType, ice: agent,
            dtls: dtls, video: video)
        let handler = handler
        try await loop.submit { handler.client = client }.get()
        return client
    }
}

extension WebRTCClient {
    /// Binds a loopback UDP socket on `loop`, offers over WHIP (sending) or WHEP (playing), checks the answer and
    /// starts ICE. `videoSSRC` adds the VP8 section (any value for a player; it only announces a sender's SSRC) and
    /// the answer must accept it. `announce` is the certificate whose fingerprint the offer carries (default: the
    /// one DTLS presents); `filter` sees every incoming datagram first. On failure after the POST the session is
    /// closed again.
    static func negotiate(
        on loop: any EventLoop, context: DTLSClientContext, announce: DTLSClientContext? = nil,
        filter: ClientDatagramHandler.Filter? = nil, signaling: MediaSignaling, streamPath: String, sending: Bool,
        ssrc: UInt32, videoSSRC: UInt32?, timeoutScale: Double, clock: @escaping @Sendable () -> UInt64
    ) async throws -> NegotiatedClient {
        let socket = try await ClientSocket.bind(on: loop, clock: clock, filter: filter)
        let offer = socket.offer(
            fingerprint: (announce ?? context).fingerprint, sending: sending, ssrc: ssrc, videoSSRC: videoSSRC)
        let requestedAt = clock()
        let session: MediaSignaling.Session
        do {
            session = try await signaling.open(publishing: sending, streamPath: streamPath, offer: offer.sdp)
        } catch {
            try? await socket.channel.close().get()
            throw error
        }
        do {
            let answer = try ClientAnswer(sdp: session.answer)
            var video: (ssrc: UInt32, payloadType: UInt8)?
            if let videoSSRC {
                guard let pt = answer.vp8PayloadType else {
                    throw MediaSignaling.Refused(description: "the answer did not accept the VP8 section")
                }
                video = (videoSSRC, pt)
            }
            let client = try await socket.start(
                answer: answer, context: context, sending: sending, ssrc: ssrc, video: video,
                timeoutScale: timeoutScale)
            return NegotiatedClient(
                client: client, channel: socket.channel, session: session, answer: answer, requestedAt: requestedAt)
        } catch {
            await signaling.close(session)
            try? await socket.channel.close().get()
            throw error
        }
    }
}
