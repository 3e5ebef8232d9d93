import NIOCore
import ParleyMedia
import ParleyWire

/// What a session does on its stream path.
public enum SessionKind: String, Sendable, Hashable {
    /// WHIP: receives the publisher's media.
    case publisher
    /// WHEP: gets the path's publisher's media forwarded.
    case subscriber
}

/// A session as the HTTP side sees it (RFC 9725 §4.3 session resource).
public struct SessionDescriptor: Sendable, Hashable {
    public var id: String
    public var kind: SessionKind
    public var path: String
    /// The SDP answer (first POST) or the current local ICE credentials (after a restart).
    public var answer: String
    /// The session's entity tag (RFC 9725 §4.3.1); changes on ICE restart.
    public var etag: String
    public var localCredentials: ICECredentials
}

/// One WebRTC session owned by the media plane's event loop.
final class SFUSession {
    let id: String
    let kind: SessionKind
    let path: String
    let peer: PeerConnection
    var etag: String
    var remoteUfrag: String
    /// Subscribers only: what this peer receives per track and how forwarded packets are rewritten for it.
    var outboundTracks: [OutboundTrack]
    /// Publishers only: the tracks the peer sends (at most one audio and one video).
    var publishedTracks: [PublishedTrack]
    var receivedPackets: UInt64 = 0
    /// The path's counters (shared by every session of the path).
    var pathMetrics: MediaPathMetrics?
    /// The path's players (shared by every session of the path); a publisher's fan-out walks it.
    var pathPlayers: PathPlayers?
    /// Players: the round trip their Receiver Reports measure, which paces NACK answers.
    var roundTrip = RoundTripEstimator()
    /// Publishers whose video negotiated goog-remb: what their REMB says.
    var bitrateEstimator: PublisherBitrateEstimator?
    /// The SSRC this server reports under on this leg (RFC 3550 §8: random).
    let reporterSSRC: UInt32
    let cname: String
    var nextReport: MediaTime?
    var addresses: Set<STUNAddress> = []
    /// The HTTP client address that opened the session, for the per-address cap on unconnected sessions.
    let source: String?
    /// Until ICE and DTLS finish: when the session is dropped for not connecting. Nil once connected.
    var connectDeadline: MediaTime?
    /// When the plane's tick must next visit this session (``nextWake(now:)``); a new session is visited on the
    /// first tick.
    var wakeAt = MediaTime(nanoseconds: .min)
    /// The last destination and its socket address, so a packet to the usual address costs no conversion.
    private var route: (address: STUNAddress, socket: SocketAddress)?
    /// The offer's sections as a debug capture's manifest describes them (MediaPlaneCore+Capture).
    var captureSections: [CaptureTrackSection] = []

    init(
        id: String, kind: SessionKind, path: String, peer: PeerConnection, etag: String, remoteUfrag: String,
        outboundTracks: [OutboundTrack] = [], publishedTracks: [PublishedTrack] = [], reporterSSRC: UInt32,
        cname: String, source: String?,
        connectDeadline: MediaTime?
    ) {
        self.source = source
        self.connectDeadline = connectDeadline
        self.reporterSSRC = reporterSSRC
        self.cname = cname
        self.id = id
        self.kind = kind
        self.path = path
        self.peer = peer
        self.etag = etag
        self.remoteUfrag = remoteUfrag
        self.outboundTracks = outboundTracks
        self.publishedTracks = publishedTracks
    }

    /// The earliest of its timers: the connect deadline, the peer's (consent expiry, DTLS retransmission) and the
    /// next RTCP report, which is due at once when a connected session has none scheduled yet. Recomputed after
    /// every datagram and visit, the only times these change.
    func nextWake(now: MediaTime) -> MediaTime {
        var wake = MediaTime(nanoseconds: .max)
        if let connectDeadline { wake = min(wake, connectDeadline) }
        if let timeout = peer.pollTimeout() { wake = min(wake, timeout) }
        if peer.isConnected { wake = min(wake, nextReport ?? now) }
        return wake
    }

    /// `destination` as NIO's address, converted once per change of destination (ICE selection).
    func socketAddress(for destination: STUNAddress) -> SocketAddress? {
        if let route, route.address == destination { return route.socket }
        guard let socket = destination.socketAddress else { return nil }
        route = (destination, socket)
        return socket
    }

    /// The published track a packet belongs to: by SSRC, else by payload type (binding the SSRC). `isRetransmission`
    /// marks the RFC 4588 RTX stream of the track. At most two tracks: a linear scan.
    func publishedTrack(ssrc: UInt32, payloadType: UInt8) -> (index: Int, isRetransmission: Bool)? {
        for (index, track) in publishedTracks.enumerated() {
            if track.ssrc == ssrc { return (index, false) }
            if track.rtxSSRC == ssrc { return (index, true) }
        }
        for (index, track) in publishedTracks.enumerated() {
            if track.codec.payloadType == payloadType { return (index, false) }
            if track.codec.rtxPayloadType == payloadType { return (index, true) }
        }
        return nil
    }
}
