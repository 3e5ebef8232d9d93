/// The JSON manifest written beside a debug capture's `.pcap` (format in docs/capture-format.md): what each
/// captured RTP stream is, so a replay needs no heuristics. Codable with snake_case keys spelled out, so the
/// writer (the server) and the readers (`parley-conform replay`, tests) share one definition.
public struct CaptureManifest: Codable, Sendable, Hashable {
    public static let formatName = "parley-capture"
    /// Bumped on any change a reader of an older version would misread; readers refuse a newer one.
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// The pcap's file name (same directory, same stem as this manifest).
    public var pcapFile: String
    /// Always "RAW" (DLT_RAW: bare IPv4/IPv6 + UDP packets).
    public var linkType: String
    public var streamPath: String
    /// "api" (POST /api/capture/...) or "config" (`capture.paths`).
    public var trigger: String
    /// RFC 3339 UTC with milliseconds.
    public var startedAt: String
    public var stoppedAt: String?
    /// False while the capture runs (or when the server died before stopping it): the pcap may end mid-stream.
    public var complete: Bool
    public var stopReason: String?
    /// The server's media address (the local end of every captured 5-tuple).
    public var serverAddress: String
    public var sessions: [Session]
    public var counters: Counters

    public init(
        pcapFile: String, streamPath: String, trigger: String, startedAt: String, serverAddress: String,
        sessions: [Session] = [], counters: Counters = Counters()
    ) {
        format = Self.formatName
        version = Self.currentVersion
        self.pcapFile = pcapFile
        linkType = "RAW"
        self.streamPath = streamPath
        self.trigger = trigger
        self.startedAt = startedAt
        stoppedAt = nil
        complete = false
        stopReason = nil
        self.serverAddress = serverAddress
        self.sessions = sessions
        self.counters = counters
    }

    enum CodingKeys: String, CodingKey {
        case format, version, complete, sessions, counters
        case pcapFile = "pcap_file"
        case linkType = "link_type"
        case streamPath = "stream_path"
        case trigger
        case startedAt = "started_at"
        case stoppedAt = "stopped_at"
        case stopReason = "stop_reason"
        case serverAddress = "server_address"
    }

    /// One WebRTC session (WHIP publisher or WHEP player) seen on the path while the capture ran.
    public struct Session: Codable, Sendable, Hashable {
        public var sessionID: String
        /// "publisher" or "subscriber".
        public var kind: String
        /// The peer's address ("ip:port", "[v6]:port"); nil until its first captured packet.
        public var remoteAddress: String?
        public var attachedAt: String
        public var detachedAt: String?
        public var streams: [Stream]
        public var rtcpReceived: UInt64
        public var rtcpSent: UInt64

        public init(sessionID: String, kind: String, attachedAt: String, streams: [Stream]) {
            self.sessionID = sessionID
            self.kind = kind
            remoteAddress = nil
            self.attachedAt = attachedAt
            detachedAt = nil
            self.streams = streams
            rtcpReceived = 0
            rtcpSent = 0
        }

        enum CodingKeys: String, CodingKey {
            case kind, streams
            case sessionID = "session_id"
            case remoteAddress = "remote_address"
            case attachedAt = "attached_at"
            case detachedAt = "detached_at"
            case rtcpReceived = "rtcp_received"
            case rtcpSent = "rtcp_sent"
        }
    }

    /// One RTP stream: a publisher's track as received, or a player's track as sent.
    public struct Stream: Codable, Sendable, Hashable {
        /// "received" (peer → server) or "sent" (server → peer).
        public var direction: String
        /// "audio" or "video".
        public var media: String
        public var mid: String?
        /// The media SSRC: declared in the SDP or learnt from the first packet; nil if none was seen.
        public var ssrc: UInt32?
        /// RFC 4588 retransmission SSRC, when one was seen or declared.
        public var rtxSSRC: UInt32?
        public var payloadType: UInt8
        public var rtxPayloadType: UInt8?
        /// The encoding name as in a=rtpmap ("opus", "VP8", "H264").
        public var codec: String
        public var clockRate: UInt32
        public var channels: Int?
        /// The a=fmtp parameters, as negotiated.
        public var fmtp: String?
        /// RFC 8285 header extensions in use on this stream (the answer's a=extmap).
        public var headerExtensions: [HeaderExtension]
        /// What the offer listed; the server answers none today, so a sender that uses them anyway can be read.
        public var offeredHeaderExtensions: [HeaderExtension]
        public var packets: UInt64
        public var bytes: UInt64

        public init(
            direction: String, media: String, mid: String?, ssrc: UInt32?, rtxSSRC: UInt32?, payloadType: UInt8,
            rtxPayloadType: UInt8?, codec: String, clockRate: UInt32, channels: Int?, fmtp: String?,
            headerExtensions: [HeaderExtension] = [], offeredHeaderExtensions: [HeaderExtension] = []
        ) {
            self.direction = direction
            self.media = media
            self.mid = mid
            self.ssrc = ssrc
            self.rtxSSRC = rtxSSRC
            self.payloadType = payloadType
            self.rtxPayloadType = rtxPayloadType
            self.codec = codec
            self.clockRate = clockRate
            self.channels = channels
            self.fmtp = fmtp
            self.headerExtensions = headerExtensions
            self.offeredHeaderExtensions = offeredHeaderExtensions
            packets = 0
            bytes = 0
        }

        enum CodingKeys: String, CodingKey {
            case direction, media, mid, ssrc, codec, channels, fmtp, packets, bytes
            case rtxSSRC = "rtx_ssrc"
            case payloadType = "payload_type"
            case rtxPayloadType = "rtx_payload_type"
            case clockRate = "clock_rate"
            case headerExtensions = "header_extensions"
            case offeredHeaderExtensions = "offered_header_extensions"
        }
    }

    /// RFC 8285 §5 `a=extmap` id and URI.
    public struct HeaderExtension: Codable, Sendable, Hashable {
        public var id: UInt16
        public var uri: String
        public init(id: UInt16, uri: String) {
            self.id = id
            self.uri = uri
        }
    }

    /// What was written and what was not (never silently lost).
    public struct Counters: Codable, Sendable, Hashable {
        /// pcap records written (RTP and RTCP, both directions).
        public var records: UInt64
        /// Size of the pcap file, header included.
        public var pcapBytes: UInt64
        /// Records dropped because the writer fell behind (its buffer was full).
        public var droppedOverload: UInt64
        /// Records dropped because the pcap reached `capture.max_bytes`.
        public var droppedMaxBytes: UInt64
        /// Records dropped because writing to disk failed (`write_error` says why).
        public var droppedWriteError: UInt64
        public var writeError: String?

        public init() {
            records = 0
            pcapBytes = 0
            droppedOverload = 0
            droppedMaxBytes = 0
            droppedWriteError = 0
            writeError = nil
        }

        enum CodingKeys: String, CodingKey {
            case records
            case pcapBytes = "pcap_bytes"
            case droppedOverload = "dropped_overload"
            case droppedMaxBytes = "dropped_max_bytes"
            case droppedWriteError = "dropped_write_error"
            case writeError = "write_error"
        }
    }
}
