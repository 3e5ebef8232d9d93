import Logging
import NIOCore
import ParleyMedia
import ParleyWire

/// The media plane's state, confined to its event loop: sessions, routing tables and forwarding.
/// Sans-IO like the peers it holds: datagrams and ticks come in, transmits go to `outbox`.
final class MediaPlaneCore {
    let dtlsContext: DTLSContext
    let candidates: [STUNAddress]
    let consentTimeout: Duration
    let limits: MediaPlaneLimits
    let logger: Logger
    /// Called (on the loop) when a session ends for any reason: DELETE, consent loss, DTLS failure or shutdown.
    var onSessionEnded: (SessionDescriptor) -> Void = { _ in }

    var sessions: [String: SFUSession] = [:]
    /// Routing (docs/architecture.md §The media plane): by source address first, then by the local ufrag in STUN USERNAME.
    var sessionByAddress: [STUNAddress: String] = [:]
    var sessionByUfrag: [String: String] = [:]
    var publisherByPath: [String: String] = [:]
    var subscribersByPath: [String: Set<String>] = [:]
    /// The same players as session objects, in join order: what a fan-out walks (MediaPlaneCore+PathPlayers).
    var playersByPath: [String: PathPlayers] = [:]
    /// The room participant each session was opened for (MediaPlaneCore+Rooms).
    var owners = SessionOwners()
    /// Sessions that have not finished ICE and DTLS, in all and by the HTTP client address that opened them.
    var unconnected: Set<String> = []
    var unconnectedBySource: [String: Set<String>] = [:]
    /// Datagrams to write at the next flush, in order: the peers' STUN, DTLS and RTCP, and forwarded media
    /// (built in its own buffer by the forwarding path).
    var outbox: [AddressedEnvelope<ByteBuffer>] = []
    /// Called once a fan-out has queued ``fanOutSlice`` more datagrams, so the plane writes them while the rest
    /// of the fan-out is built: the first players do not wait for the last one's copy (nil in sans-IO tests,
    /// which read the whole outbox afterwards).
    var onFanOutSlice: (() -> Void)?
    /// Sends a complete fan-out slice itself (the plane's ``FanOutSocket``) instead of queueing its datagrams in
    /// `outbox`; nil in sans-IO tests.
    var sendFanOutSlice: ((ByteBuffer, [(address: SocketAddress, start: Int, length: Int)]) -> Void)?
    /// The fan-out slice being built: each datagram's destination and place in the slice's buffer (storage kept).
    var fanOutSlots: [(address: SocketAddress, start: Int, length: Int)] = []
    /// The sessions one tick visits (storage kept across ticks).
    var dueSessions: [SFUSession] = []
    let allocator = ByteBufferAllocator()
    /// SRTP/SRTCP packets refused by libsrtp since start (also exported as a metric).
    var droppedSRTPPackets = 0
    let metrics = MediaPlaneMetrics()
    var random = SystemRandomNumberGenerator()
    /// Per-path counters for /metrics, while the path has sessions (``MediaPathMetrics``).
    var metricsByPath: [String: MediaPathMetrics] = [:]
    /// Source keys of published tracks (``PublishedTrack/sourceKey``): never reused within the plane.
    var nextSourceKey: UInt64 = 0
    /// Open debug captures by stream path (MediaPlaneCore+Capture).
    var captures = CaptureRegistry()
    /// Recording captures by stream path: the path's publisher only (MediaPlaneCore+Recording).
    var recordingTaps: [String: DebugCaptureWriter] = [:]

    /// Unix time (seconds) at `MediaTime.zero`, for the NTP timestamps of Sender Reports.
    let unixTimeAtZero: Double

    init(
        dtlsContext: DTLSContext, candidates: [STUNAddress], consentTimeout: Duration,
        limits: MediaPlaneLimits = MediaPlaneLimits(), logger: Logger, unixTimeAtZero: Double = 0
    ) {
        self.unixTimeAtZero = unixTimeAtZero
        self.limits = limits
        self.dtlsContext = dtlsContext
        self.candidates = candidates
        self.consentTimeout = consentTimeout
        self.logger = logger
    }

    // MARK: - sessions

    /// Negotiates `offer` (once) and opens the session; callers that negotiated already use the variant below.
    func open(kind: SessionKind, path: String, offer: SessionDescription, source: String? = nil, now: MediaTime)
        throws(MediaPlaneError) -> SessionDescriptor
    {
        let accepted: AcceptedOffer
        do {
            accepted = try SDPNegotiation.accept(offer: offer, intent: kind == .publisher ? .publish : .play)
        } catch {
            throw .unsupported(error.reason)
        }
        return try open(kind: kind, path: path, offer: offer, accepted: accepted, source: source, now: now)
    }

    /// Opens a session for an offer `SDPNegotiation.accept` already accepted. The caps and the path checks run
    /// before any DTLS state is created.
    func open(
        kind: SessionKind, path: String, offer: SessionDescription, accepted: AcceptedOffer, source: String?,
        now: MediaTime
    ) throws(MediaPlaneError) -> SessionDescriptor {
        guard accepted.intent == (kind == .publisher ? .publish : .play) else {
            throw .internalFailure("the offer was accepted for the other direction")
        }
        var accepted = accepted
        switch kind {
        case .publisher where publisherByPath[path] != nil: throw .pathBusy
        case .subscriber:
            guard let publisher = publisherByPath[path].flatMap({ sessions[$0] }) else { throw .noPublisher }
            do {
                accepted = try SDPNegotiation.match(accepted, publishing: publisher.publishedTracks.map(\.codec))
            } catch {
                throw .unsupported(error.reason)
            }
        default: break
        }
        if let refusal = admissionRefusal(kind: kind, path: path, source: source, now: now) { throw refusal }
        let credentials = uniqueCredentials()
        let peer: PeerConnection
        do {
            peer = try PeerConnection(
                localCredentials: credentials, remoteUfrag: accepted.remoteCredentials.ufrag,
                dtlsContext: dtlsContext, remoteFingerprints: accepted.remoteFingerprints,
                now: now, consentTimeout: consentTimeout, receivesRTP: kind == .publisher)
        } catch {
            throw .internalFailure("peer setup failed: \(error)")
        }
        let id = randomHex(16)
        let cname = randomHex(8)
        var outbound: [OutboundStream] = []
        var outboundTracks: [OutboundTrack] = []
        var publishedTracks: [PublishedTrack] = []
        switch kind {
        case .subscriber:
            // One lip-sync group (RFC 8830 §2): audio and video share the stream id and the CNAME.
            let streamID = "parley-\(randomHex(6))"
            for track in accepted.tracks {
                let codec = track.codec
                let ssrc = uniqueSSRC()
                let rtxSSRC = codec.rtxPayloadType == nil ? nil : uniqueSSRC()
                outbound.append(
                    OutboundStream(
                        ssrc: ssrc, cname: cname, streamID: streamID,
                        trackID: "\(track.kind.rawValue)-\(randomHex(6))", rtxSSRC: rtxSSRC))
                let rewriter = OutboundRewriter(
                    ssrc: ssrc, payloadType: codec.payloadType, clockRate: Int64(codec.clockRate), rtxSSRC: rtxSSRC,
                    rtxPayloadType: codec.rtxPayloadType, using: &random)
                outboundTracks.append(OutboundTrack(kind: track.kind, codec: codec, rewriter: rewriter))
            }
        case .publisher:
            for track in accepted.tracks {
                nextSourceKey &+= 1
                var published = PublishedTrack(
                    kind: track.kind, codec: track.codec, ssrc: track.declaredSSRCs.first, sourceKey: nextSourceKey)
                if track.codec.rtxPayloadType != nil, track.declaredSSRCs.count == 2 {
                    published.rtxSSRC = track.declaredSSRCs[1]
                }
                publishedTracks.append(published)
            }
        }
        let answer = SDPNegotiation.answer(
            offer: offer, accepted: accepted,
            local: LocalTransport(
                credentials: credentials, fingerprint: dtlsContext.fingerprint, candidates: candidates),
            outbound: outbound, sessionID: UInt64.random(in: 1...(1 << 62), using: &random))
        let session = SFUSession(
            id: id, kind: kind, path: path, peer: peer, etag: "\"\(randomHex(12))\"",
            remoteUfrag: accepted.remoteCredentials.ufrag, outboundTracks: outboundTracks,
            publishedTracks: publishedTracks,
            reporterSSRC: outbound.first?.ssrc ?? UInt32.random(in: 1...UInt32.max, using: &random),
            cname: cname, source: source,
            connectDeadline: now + limits.connectTimeout)
        sessions[id] = session
        admit(session)
        sessionByUfrag[credentials.ufrag] = id
        switch kind {
        case .publisher: publisherByPath[path] = id
        case .subscriber: subscribersByPath[path, default: []].insert(id)
        }
        session.pathMetrics = pathMetrics(for: path)
        attachToPath(session)
        if kind == .publisher, session.publishedTracks.contains(where: { $0.codec.hasFeedback("goog-remb") }) {
            session.bitrateEstimator = PublisherBitrateEstimator(startingAt: now)
        }
        pathSessionsChanged(path)
        captureSessionOpened(session, offer: offer, accepted: accepted)
        metrics.sessionsStarted.increment()
        logger.info(
            "webrtc session opened",
            metadata: [
                "session": "\(id)", "kind": "\(kind.rawValue)",
                "path": "\(path)",
            ])
        return descriptor(session, answer: answer.serialize())
    }

    func descriptor(_ session: SFUSession, answer: String) -> SessionDescriptor {
        SessionDescriptor(
            id: session.id, kind: session.kind, path: session.path, answer: answer,
            etag: session.etag, localCredentials: session.peer.ice.localCredentials)
    }

    func describe(_ id: String) -> SessionDescriptor? {
        sessions[id].map { descriptor($0, answer: "") }
    }

    /// RFC 9725 §4.4.1.1 ICE restart: new local credentials and a new ETag; DTLS/SRTP continue.
    func restartICE(_ id: String, remoteUfrag: String) throws(MediaPlaneError) -> SessionDescriptor {
        guard let session = sessions[id] else { throw .unknownSession }
        let credentials = uniqueCredentials()
        sessionByUfrag[session.peer.ice.localCredentials.ufrag] = nil
        sessionByUfrag[credentials.ufrag] = id
        session.peer.restartICE(localCredentials: credentials, remoteUfrag: remoteUfrag)
        session.remoteUfrag = remoteUfrag
        session.etag = "\"\(randomHex(12))\""
        return descriptor(session, answer: "")
    }

    /// Ends a session: close_notify to the peer, routes removed, forwarding stops at once. `notify` tells
    /// `onSessionEnded`; a DELETE does not need it (the HTTP side updates the registry itself, in order).
    @discardableResult
    func close(_ id: String, now: MediaTime, reason: String, notify: Bool = true) -> SessionDescriptor? {
        guard let session = sessions.removeValue(forKey: id) else { return nil }
        forgetUnconnected(session)
        session.peer.close(now: now)
        drain(session)
        for address in session.addresses where sessionByAddress[address] == id { sessionByAddress[address] = nil }
        sessionByUfrag[session.peer.ice.localCredentials.ufrag] = nil
        switch session.kind {
        case .publisher where publisherByPath[session.path] == id: publisherByPath[session.path] = nil
        case .subscriber: subscribersByPath[session.path]?.remove(id)
        default: break
        }
        if subscribersByPath[session.path]?.isEmpty == true { subscribersByPath[session.path] = nil }
        detachFromPath(session)
        if session.kind == .subscriber {
            publisherByPath[session.path].flatMap { sessions[$0] }?.bitrateEstimator?.playerLeft(id)
        }
        pathSessionsChanged(session.path)
        captureSessionClosed(session)
        logger.info("webrtc session closed", metadata: ["session": "\(id)", "reason": "\(reason)"])
        let described = descriptor(session, answer: "")
        if notify { onSessionEnded(described) }
        sessionClosed(session, now: now)
        return described
    }

    func closeAll(now: MediaTime) {
        for id in Array(sessions.keys) { close(id, now: now, reason: "media plane shutting down") }
    }

    // MARK: - helpers

    func uniqueCredentials() -> ICECredentials {
        var credentials = ICECredentials.random()
        while sessionByUfrag[credentials.ufrag] != nil { credentials = ICECredentials.random() }
        return credentials
    }

    /// A random non-zero SSRC (RFC 3550 §8.1).
    func uniqueSSRC() -> UInt32 {
        UInt32.random(in: 1...UInt32.max, using: &random)
    }

    func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &random)
            return String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }.joined()
    }

    func drain(_ session: SFUSession) {
        while let transmit = session.peer.pollOutput() {
            guard let address = session.socketAddress(for: transmit.destination) else { continue }
            outbox.append(AddressedEnvelope(remoteAddress: address, data: allocator.buffer(bytes: transmit.bytes)))
        }
    }
}
