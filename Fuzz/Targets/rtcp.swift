// libFuzzer target: compound RTCP (RFC 3550 §6, RFC 4585 feedback, RFC 5506 reduced size, TWCC).
import ParleyWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTCP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let packets = try? RTCPCompound.parse(bytes) else { return 0 }
    // Serializing what was parsed must give RTCP that parses again into as many packets.
    guard let again = try? RTCPCompound.parse(RTCPCompound.serialize(packets)), again.count == packets.count else {
        fatalError("RTCP re-serialize did not parse into the same number of packets")
    }
    return 0
}
