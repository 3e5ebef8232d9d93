// libFuzzer target: STUN messages as the media port receives them (RFC 8489 §5–6, §14).
import ParleyWire

/// ICE short-term key (RFC 8445 §7.2.2): a fixed password, so inputs derived from the RFC 5769 seeds verify.
private let key = STUNIntegrity.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBt")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = STUNMessage.isSTUN(bytes)
    _ = PacketKind.classify(bytes)
    guard let message = try? STUNMessage.parse(bytes) else { return 0 }
    // What the ICE agent reads from a request before and after authenticating it.
    _ = message.verifyMessageIntegrity(key: key)
    _ = message.verifyMessageIntegritySHA256(key: key)
    _ = message.verifyFingerprint()
    _ = (message.username, message.priority, message.errorCode, message.xorMappedAddress, message.mappedAddress)
    // Whatever parsed must re-encode into a message that parses to the same content.
    let encoded = message.encode(integrityKey: key, fingerprint: true)
    guard let again = try? STUNMessage.parse(encoded), again == message,
        again.verifyMessageIntegrity(key: key), again.verifyFingerprint()
    else { fatalError("STUN re-encode did not round-trip") }
    return 0
}
