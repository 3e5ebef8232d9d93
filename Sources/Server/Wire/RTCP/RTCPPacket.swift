/// Why bytes were rejected as RTCP.
public enum RTCPParseError: Error, Equatable, Sendable {
    case truncated
    case badVersion
    case badPadding
    /// A known packet type whose body does not match its own structure (e.g. fewer bytes than its count needs).
    case malformed(packetType: UInt8)
}

/// RFC 3550 §12.1 and RFC 4585 §6.1 packet types.
public enum RTCPPacketType {
    public static let senderReport: UInt8 = 200
    public static let receiverReport: UInt8 = 201
    public static let sourceDescription: UInt8 = 202
    public static let goodbye: UInt8 = 203
    public static let application: UInt8 = 204
    /// RFC 4585 §6.1 transport-layer feedback.
    public static let transportFeedback: UInt8 = 205
    /// RFC 4585 §6.1 payload-specific feedback.
    public static let payloadFeedback: UInt8 = 206
}

/// A packet kept verbatim: a type this codec does not decode (APP, XR, other feedback formats).
public struct RTCPRawPacket: Hashable, Sendable {
    /// The 5-bit count / feedback message type field.
    public var count: UInt8
    public var packetType: UInt8
    /// Everything after the 4-byte common header, without RTCP padding.
    public var body: [UInt8]

    public init(count: UInt8, packetType: UInt8, body: [UInt8]) {
        self.count = count
        self.packetType = packetType
        self.body = body
    }
}

/// One packet of a compound RTCP packet (RFC 3550 §6.1).
public enum RTCPPacket: Hashable, Sendable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case goodbye(RTCPGoodbye)
    case genericNACK(RTCPGenericNACK)
    case pictureLossIndication(RTCPPictureLossIndication)
    case fullIntraRequest(RTCPFullIntraRequest)
    case receiverEstimatedMaximumBitrate(RTCPReceiverEstimatedMaximumBitrate)
    case transportWideFeedback(RTCPTransportWideFeedback)
    case unknown(RTCPRawPacket)

    /// Decodes one packet body (after the common header, padding removed).
    static func decode(
        count: UInt8, packetType: UInt8, body: ArraySlice<UInt8>,
        statusBudget: Int = RTCPTransportWideFeedback.maxStatuses
    ) throws(RTCPParseError) -> RTCPPacket {
        func require<T>(_ value: T?) throws(RTCPParseError) -> T {
            guard let value else { throw .malformed(packetType: packetType) }
            return value
        }
        switch (packetType, count) {
        case (RTCPPacketType.senderReport, _):
            return .senderReport(try require(RTCPSenderReport(count: count, body: body)))
        case (RTCPPacketType.receiverReport, _):
            return .receiverReport(try require(RTCPReceiverReport(count: count, body: body)))
        case (RTCPPacketType.sourceDescription, _):
            return .sourceDescription(try require(RTCPSourceDescription(count: count, body: body)))
        case (RTCPPacketType.goodbye, _):
            return .goodbye(try require(RTCPGoodbye(count: count, body: body)))
        case (RTCPPacketType.transportFeedback, RTCPGenericNACK.format):
            return .genericNACK(try require(RTCPGenericNACK(body: body)))
        case (RTCPPacketType.transportFeedback, RTCPTransportWideFeedback.format):
            return .transportWideFeedback(try require(RTCPTransportWideFeedback(body: body, maxStatuses: statusBudget)))
        case (RTCPPacketType.payloadFeedback, RTCPPictureLossIndication.format):
            return .pictureLossIndication(try require(RTCPPictureLossIndication(body: body)))
        case (RTCPPacketType.payloadFeedback, RTCPFullIntraRequest.format):
            return .fullIntraRequest(try require(RTCPFullIntraRequest(body: body)))
        case (RTCPPacketType.payloadFeedback, RTCPReceiverEstimatedMaximumBitrate.format):
            // FMT 15 is generic application-layer feedback (RFC 4585 §6.4); only the "REMB" kind is decoded.
            if let remb = RTCPReceiverEstimatedMaximumBitrate(body: body) {
                return .receiverEstimatedMaximumBitrate(remb)
            }
            return .unknown(RTCPRawPacket(count: count, packetType: packetType, body: Array(body)))
        default:
            return .unknown(RTCPRawPacket(count: count, packetType: packetType, body: Array(body)))
        }
    }

    /// Count/FMT field, packet type and body bytes (without header or padding).
    func encodeParts() -> (count: UInt8, packetType: UInt8, body: [UInt8]) {
        var writer = ByteWriter(capacity: 64)
        switch self {
        case .senderReport(let report):
            report.encodeBody(into: &writer)
            return (UInt8(min(report.reports.count, 31)), RTCPPacketType.senderReport, writer.bytes)
        case .receiverReport(let report):
            report.encodeBody(into: &writer)
            return (UInt8(min(report.reports.count, 31)), RTCPPacketType.receiverReport, writer.bytes)
        case .sourceDescription(let sdes):
            sdes.encodeBody(into: &writer)
            return (UInt8(min(sdes.chunks.count, 31)), RTCPPacketType.sourceDescription, writer.bytes)
        case .goodbye(let bye):
            bye.encodeBody(into: &writer)
            return (UInt8(min(bye.sources.count, 31)), RTCPPacketType.goodbye, writer.bytes)
        case .genericNACK(let nack):
            nack.encodeBody(into: &writer)
            return (RTCPGenericNACK.format, RTCPPacketType.transportFeedback, writer.bytes)
        case .transportWideFeedback(let feedback):
            feedback.encodeBody(into: &writer)
            return (RTCPTransportWideFeedback.format, RTCPPacketType.transportFeedback, writer.bytes)
        case .pictureLossIndication(let pli):
            pli.encodeBody(into: &writer)
            return (RTCPPictureLossIndication.format, RTCPPacketType.payloadFeedback, writer.bytes)
        case .fullIntraRequest(let fir):
            fir.encodeBody(into: &writer)
            return (RTCPFullIntraRequest.format, RTCPPacketType.payloadFeedback, writer.bytes)
        case .receiverEstimatedMaximumBitrate(let remb):
            remb.encodeBody(into: &writer)
            return (RTCPReceiverEstimatedMaximumBitrate.format, RTCPPacketType.payloadFeedback, writer.bytes)
        case .unknown(let raw):
            return (raw.count & 0x1F, raw.packetType, raw.body)
        }
    }
}
