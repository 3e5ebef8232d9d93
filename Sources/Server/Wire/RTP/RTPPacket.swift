/// An owned RTP packet (RFC 3550 §5.1) for building and for tests; the forwarding path uses `RTPHeaderView`.
public struct RTPPacket: Hashable, Sendable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: [UInt32]
    public var headerExtension: RTPHeaderExtension?
    public var payload: [UInt8]
    /// Total padding bytes including the trailing count byte; 0 = no padding.
    public var paddingLength: UInt8

    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil, payload: [UInt8] = [],
        paddingLength: UInt8 = 0
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
        self.payload = payload
        self.paddingLength = paddingLength
    }

    public static func parse(_ bytes: [UInt8]) throws(RTPParseError) -> RTPPacket {
        let view = try RTPHeaderView(parsing: bytes)
        var headerExtension: RTPHeaderExtension?
        if let profile = view.extensionProfile, let range = view.extensionRange {
            headerExtension = RTPHeaderExtension(profile: profile, data: Array(bytes[range]))
        }
        return RTPPacket(
            marker: view.marker, payloadType: view.payloadType, sequenceNumber: view.sequenceNumber,
            timestamp: view.timestamp, ssrc: view.ssrc, csrcs: view.csrcs(in: bytes),
            headerExtension: headerExtension, payload: Array(bytes[view.payloadRange]),
            paddingLength: UInt8(clamping: view.paddingLength))
    }

    /// RFC 8285 elements of the header extension, if it uses that format.
    public var extensionElements: [RTPExtensionElement]? { headerExtension?.elements }

    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 12 + 4 * csrcs.count + payload.count + Int(paddingLength) + 16)
        var first: UInt8 = 2 << 6 | UInt8(min(csrcs.count, 15))
        if paddingLength > 0 { first |= 0x20 }
        if headerExtension != nil { first |= 0x10 }
        writer.write(first)
        writer.write((marker ? 0x80 : 0) | (payloadType & 0x7F))
        writer.write(sequenceNumber)
        writer.write(timestamp)
        writer.write(ssrc)
        for csrc in csrcs.prefix(15) { writer.write(csrc) }
        headerExtension?.encode(into: &writer)
        writer.write(bytes: payload)
        if paddingLength > 0 {
            writer.writeZeros(Int(paddingLength) - 1)
            writer.write(paddingLength)
        }
        return writer.bytes
    }
}
