// libFuzzer target: RTP packets (RFC 3550 §5.1) with RFC 8285 header extensions, as the SFU forwards them.
import ParleyWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = RTPOrRTCP.classify(bytes)
    guard let view = try? RTPHeaderView(parsing: bytes) else { return 0 }
    _ = view.csrcs(in: bytes)
    _ = view.extensionElements(in: bytes)
    for id in [1, 4, 15] as [UInt8] { _ = view.extensionElementRange(id: id, in: bytes) }
    guard let packet = try? RTPPacket.parse(bytes) else { fatalError("RTPHeaderView accepted what RTPPacket refused") }
    _ = packet.extensionElements
    // The forwarding rewrites work in place on any packet the view accepted.
    RTPRewrite.setSequenceNumber(packet.sequenceNumber &+ 1, in: &bytes)
    RTPRewrite.setTimestamp(packet.timestamp &+ 960, in: &bytes)
    RTPRewrite.setSSRC(~packet.ssrc, in: &bytes)
    RTPRewrite.setPayloadType(111, in: &bytes)
    RTPRewrite.setMarker(!packet.marker, in: &bytes)
    guard let again = try? RTPPacket.parse(packet.encode()) else { fatalError("RTP re-encode did not parse") }
    guard again.payload == packet.payload, again.csrcs == packet.csrcs.prefix(15).map({ $0 }) else {
        fatalError("RTP re-encode changed the payload or CSRCs")
    }
    return 0
}
