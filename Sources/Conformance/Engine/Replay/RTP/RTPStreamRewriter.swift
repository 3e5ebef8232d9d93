import ParleyWire

/// Rewrites one captured stream's packets for the new session (docs/replay.md "Rewrite"): the SSRC announced in
/// the offer, sequence numbers and timestamps moved to fresh bases with the captured steps kept (so capture loss
/// stays loss, RFC 3550 §5.1 wrap-around included), the negotiated payload type, and RFC 8285 header-extension
/// ids mapped by URI to what the answer negotiated (elements the answer did not negotiate are removed).
public struct RTPStreamRewriter: Sendable, Hashable {
    public var ssrc: UInt32
    public var payloadType: UInt8
    /// Added (mod 2^16) to every captured sequence number.
    public var sequenceOffset: UInt16
    /// Captured first timestamp and the new first timestamp.
    public var firstCapturedTimestamp: UInt32
    public var firstTimestamp: UInt32
    /// Captured clock rate and the negotiated one; timestamps are rescaled when they differ.
    public var capturedClockRate: Int
    public var negotiatedClockRate: Int
    /// Captured extension id → negotiated id.
    public var extensionIDs: [UInt8: UInt8]

    public init(
        ssrc: UInt32, payloadType: UInt8, firstCapturedSequence: UInt16, firstSequence: UInt16,
        firstCapturedTimestamp: UInt32, firstTimestamp: UInt32, capturedClockRate: Int, negotiatedClockRate: Int,
        extensionIDs: [UInt8: UInt8] = [:]
    ) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        sequenceOffset = firstSequence &- firstCapturedSequence
        self.firstCapturedTimestamp = firstCapturedTimestamp
        self.firstTimestamp = firstTimestamp
        self.capturedClockRate = capturedClockRate
        self.negotiatedClockRate = negotiatedClockRate
        self.extensionIDs = extensionIDs
    }

    /// Extension id map from the captured id → URI table and the negotiated URI → id table.
    public static func extensionMap(captured: [UInt8: String], negotiated: [String: UInt8]) -> [UInt8: UInt8] {
        var map: [UInt8: UInt8] = [:]
        for (id, uri) in captured { if let newID = negotiated[uri] { map[id] = newID } }
        return map
    }

    public func sequenceNumber(for captured: UInt16) -> UInt16 { captured &+ sequenceOffset }

    /// The captured timestamp's distance from the first (signed, so a B-frame-like step back survives), rescaled
    /// to the negotiated clock, from the new base.
    public func timestamp(for captured: UInt32) -> UInt32 {
        let delta = Int64(Int32(bitPattern: captured &- firstCapturedTimestamp))
        let scaled =
            capturedClockRate == negotiatedClockRate || capturedClockRate <= 0
            ? delta : delta * Int64(negotiatedClockRate) / Int64(capturedClockRate)
        return firstTimestamp &+ UInt32(truncatingIfNeeded: scaled)
    }

    /// The rewritten packet; nil when the captured bytes are not RTP.
    public func rewrite(_ bytes: [UInt8]) -> [UInt8]? {
        guard let header = try? RTPHeaderView(parsing: bytes) else { return nil }
        var packet = bytes
        if header.hasExtension {
            guard let rebuilt = rewriteExtension(bytes, header: header) else { return nil }
            packet = rebuilt
        }
        RTPRewrite.setSSRC(ssrc, in: &packet)
        RTPRewrite.setPayloadType(payloadType, in: &packet)
        RTPRewrite.setSequenceNumber(sequenceNumber(for: header.sequenceNumber), in: &packet)
        RTPRewrite.setTimestamp(timestamp(for: header.timestamp), in: &packet)
        return packet
    }

    /// Rebuilds the packet with the extension block's elements renumbered (or without the block when nothing of
    /// it was negotiated). A non-RFC 8285 block is dropped: nothing negotiated can describe it.
    func rewriteExtension(_ bytes: [UInt8], header: RTPHeaderView) -> [UInt8]? {
        let kept = (header.extensionElements(in: bytes) ?? []).compactMap { element -> RTPExtensionElement? in
            extensionIDs[element.id].map { RTPExtensionElement(id: $0, data: element.data) }
        }
        guard var packet = try? RTPPacket.parse(bytes) else { return nil }
        packet.headerExtension = kept.isEmpty ? nil : RTPHeaderExtension(elements: kept)
        return packet.encode()
    }
}
