/// RFC 8866 §5.2 `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`.
public struct SDPOrigin: Hashable, Sendable {
    public var username: String
    /// Kept as text: Chrome writes up to 19 digits and some peers exceed UInt64.
    public var sessionID: String
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(
        username: String = "-", sessionID: String, sessionVersion: UInt64, networkType: String = "IN",
        addressType: String = "IP4", address: String = "127.0.0.1"
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }
}

/// RFC 8866 §5.7 `c=<nettype> <addrtype> <connection-address>`.
public struct SDPConnection: Hashable, Sendable {
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(networkType: String = "IN", addressType: String = "IP4", address: String = "0.0.0.0") {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }
}

/// RFC 8866 §5.8 `b=<bwtype>:<bandwidth>`.
public struct SDPBandwidth: Hashable, Sendable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }
}

/// A line this model does not break down (u=, e=, p=, r=, z=, k=), kept with its type letter.
public struct SDPOtherLine: Hashable, Sendable {
    public var type: Character
    public var value: String

    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }
}

/// One media description (RFC 8866 §5.14): `m=<media> <port>[/<number>] <proto> <fmt> ...` and its lines.
public struct MediaDescription: Hashable, Sendable {
    public var kind: String
    public var port: UInt16
    public var portCount: Int?
    public var proto: String
    /// Payload type numbers for RTP profiles; other tokens (e.g. "webrtc-datachannel") for others.
    public var formats: [String]
    public var information: String?
    public var connection: SDPConnection?
    public var bandwidths: [SDPBandwidth]
    public var otherLines: [SDPOtherLine]
    public var attributes: [SDPAttribute]

    public init(
        kind: String, port: UInt16 = 9, portCount: Int? = nil, proto: String = "UDP/TLS/RTP/SAVPF",
        formats: [String], information: String? = nil, connection: SDPConnection? = nil,
        bandwidths: [SDPBandwidth] = [], otherLines: [SDPOtherLine] = [], attributes: [SDPAttribute] = []
    ) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.otherLines = otherLines
        self.attributes = attributes
    }
}

/// A session description (RFC 8866 §5) with the WebRTC attributes typed (see `SDPAttribute`).
public struct SessionDescription: Hashable, Sendable {
    public var version: Int
    public var origin: SDPOrigin
    public var sessionName: String
    public var information: String?
    public var connection: SDPConnection?
    public var bandwidths: [SDPBandwidth]
    /// `t=<start> <stop>` (WebRTC: 0 0).
    public var timing: (start: UInt64, stop: UInt64) {
        get { (timingStart, timingStop) }
        set { (timingStart, timingStop) = newValue }
    }
    var timingStart: UInt64
    var timingStop: UInt64
    public var otherLines: [SDPOtherLine]
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]

    public init(
        version: Int = 0, origin: SDPOrigin, sessionName: String = "-", information: String? = nil,
        connection: SDPConnection? = nil, bandwidths: [SDPBandwidth] = [],
        timing: (start: UInt64, stop: UInt64) = (0, 0),
        otherLines: [SDPOtherLine] = [], attributes: [SDPAttribute] = [], media: [MediaDescription] = []
    ) {
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.timingStart = timing.start
        self.timingStop = timing.stop
        self.otherLines = otherLines
        self.attributes = attributes
        self.media = media
    }
}
