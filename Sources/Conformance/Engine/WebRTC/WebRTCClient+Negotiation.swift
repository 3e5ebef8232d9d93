import NIOCore
import NIOPosix
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

extension WebRTCClient {
    /// Binds a loopback UDP socket on `loop`, offers over WHIP (sending) or WHEP (playing), checks the answer and
    /// starts ICE. `videoSSRC` adds the VP8 section (any value for a player; it only announces a sender's SSRC).
    /// On failure after the POST the session is closed again.
    static func negotiate(
        on loop: any EventLoop, context: DTLSClientContext, signaling: MediaSignaling, streamPath: String,
        sending: Bool, ssrc: UInt32, videoSSRC: UInt32?, timeoutScale: Double, clock: @escaping @Sendable () -> UInt64
    ) async throws -> NegotiatedClient {
        let handler = ClientDatagramHandler(clock: clock)
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { $0.pipeline.addHandler(handler) }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port, let ip = IPAddress("127.0.0.1") else {
            try? await channel.close().get()
            throw MediaSignaling.Refused(description: "the UDP socket has no local port")
        }
        let ice = ICEParameters.random()
        let offer = ClientOffer(
            ice: ice, fingerprint: context.fingerprint, sending: sending, ssrc: ssrc,
            candidate: STUNAddress(ip: ip, port: UInt16(port)), videoSSRC: videoSSRC)
        let requestedAt = clock()
        let session: MediaSignaling.Session
        do {
            session = try await signaling.open(publishing: sending, streamPath: streamPath, offer: offer.sdp)
        } catch {
            try? await channel.close().get()
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
            let agent = ICEControllingAgent(
                local: ice, remote: answer.ice, remoteCandidates: answer.candidates.filter { $0.ip.isIPv4 },
                checkTimeout: UInt64(10 * timeoutScale * 1e9))
            let dtls = try DTLSClientSession(context: context, expected: answer.fingerprints)
            let client = WebRTCClient(
                channel: channel, sending: sending, ssrc: ssrc, payloadType: answer.opusPayloadType, ice: agent,
                dtls: dtls, video: video)
            try await loop.submit { handler.client = client }.get()
            return NegotiatedClient(
                client: client, channel: channel, session: session, answer: answer, requestedAt: requestedAt)
        } catch {
            await signaling.close(session)
            try? await channel.close().get()
            throw error
        }
    }
}
