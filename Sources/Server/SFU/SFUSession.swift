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
    /// Subscribers only: how forwarded packets are rewritten for this peer.
    var rewriter: OutboundRewriter?
    var receivedPackets: UInt64 = 0
    /// Publishers: the incoming source, for Receiver Reports.
    var receiveStatistics: ReceiveStatistics?
    /// The SSRC this server reports under on this leg (RFC 3550 §8: random).
    let reporterSSRC: UInt32
    let cname: String
    var nextReport: MediaTime?
    var addresses: Set<STUNAddress> = []
    /// The HTTP client address that opened the session, for the per-address cap on unconnected sessions.
    let source: String?
    /// Until ICE and DTLS finish: when the session is dropped for not connecting. Nil once connected.
    var connectDeadline: MediaTime?

    init(
        id: String, kind: SessionKind, path: String, peer: PeerConnection, etag: String, remoteUfrag: String,
        rewriter: OutboundRewriter?, reporterSSRC: UInt32, cname: String, source: String?,
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
        self.rewriter = rewriter
    }
}
