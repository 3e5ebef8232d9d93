import ParleyWire

/// One UDP flow of a capture: who sent to whom (the "5-tuple" without the protocol, always UDP here).
public struct CapturedFlow: Hashable, Sendable, CustomStringConvertible {
    public var source: STUNAddress
    public var destination: STUNAddress

    public init(source: STUNAddress, destination: STUNAddress) {
        self.source = source
        self.destination = destination
    }

    public var description: String { "\(source.ip):\(source.port) → \(destination.ip):\(destination.port)" }
}

/// One RTP packet found in a capture, kept whole (header and payload) for the rewrite, with its capture time.
public struct CapturedRTPPacket: Sendable, Hashable {
    /// Capture time, microseconds since the Unix epoch.
    public var capturedAt: Int64
    public var flow: CapturedFlow
    public var bytes: [UInt8]
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32

    public init(capturedAt: Int64, flow: CapturedFlow, bytes: [UInt8], header: RTPHeaderView) {
        self.capturedAt = capturedAt
        self.flow = flow
        self.bytes = bytes
        payloadType = header.payloadType
        sequenceNumber = header.sequenceNumber
        timestamp = header.timestamp
        ssrc = header.ssrc
    }
}

/// What the first bytes of a UDP payload are, by RFC 7983 §7 ranges and RFC 5761 §4 for RTP against RTCP.
public enum DatagramKind: Sendable, Hashable {
    case stun, dtls, rtp, rtcp, other

    public init(_ payload: [UInt8]) {
        guard let first = payload.first else {
            self = .other
            return
        }
        switch first {
        case 0...3: self = .stun
        case 20...63: self = .dtls
        case 128...191:
            guard payload.count >= 8 else {
                self = .other
                return
            }
            // RFC 5761 §4: RTCP packet types 192–223 (200–207 in use) sit where RTP has M=1 and PT 64–95.
            self = (192...223).contains(payload[1]) ? .rtcp : (payload.count >= 12 ? .rtp : .other)
        default: self = .other
        }
    }
}
