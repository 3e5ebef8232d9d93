/// Writing a forwarded copy of a packet straight into the caller's output buffer, with one subscriber's SSRC,
/// payload type, sequence number and timestamp (RFC 3550 §5.1): the forwarding path builds each subscriber's
/// packet in the buffer it is encrypted and sent from, so no intermediate array is made per packet.
extension RTPHeaderView {
    /// Bytes of the translated packet: the fixed header and CSRCs, payload and padding; the header extension is
    /// dropped (none is negotiated toward subscribers).
    public var translatedLength: Int { 12 + 4 * csrcCount + payloadRange.count + paddingLength }

    /// Writes the translated packet for `packet` (the bytes this view parsed) into `output`; the same bytes as
    /// `RTPPacket` with those four fields changed and `headerExtension` nil would encode to (padding as zeros and
    /// its count). Returns the length written, or nil when `output` is too small or `packet` is not the parsed
    /// packet.
    public func writeTranslated(
        of packet: UnsafeRawBufferPointer, ssrc: UInt32, payloadType: UInt8, sequenceNumber: UInt16,
        timestamp: UInt32, into output: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let length = translatedLength
        guard output.count >= length, packet.count == payloadRange.upperBound + paddingLength,
            packet.count >= 12 + 4 * csrcCount
        else { return nil }
        var first: UInt8 = 2 << 6 | UInt8(csrcCount)
        if paddingLength > 0 { first |= 0x20 }
        output[0] = first
        output[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        output.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        output.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        output.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        var offset = 12
        let csrcBytes = 4 * csrcCount
        if csrcBytes > 0 {
            UnsafeMutableRawBufferPointer(rebasing: output[offset..<offset + csrcBytes])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[12..<12 + csrcBytes]))
            offset += csrcBytes
        }
        if !payloadRange.isEmpty {
            UnsafeMutableRawBufferPointer(rebasing: output[offset..<offset + payloadRange.count])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[payloadRange]))
            offset += payloadRange.count
        }
        if paddingLength > 0 {
            for index in offset..<offset + paddingLength - 1 { output[index] = 0 }
            output[offset + paddingLength - 1] = UInt8(truncatingIfNeeded: paddingLength)
            offset += paddingLength
        }
        return offset
    }
}
