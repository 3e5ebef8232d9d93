// libFuzzer target: JSON request bodies and frames (RFC 8259) through ParleyJSON's parser, the one every face uses,
// plus MiroTalk's V8-worded wrapper (`parseStrictBody`) and JavaScript conversions compiled in beside it.
import ParleyJSON

/// JSON.stringify writes an infinite number (from e.g. `1e400`) as `null`, so such values cannot round-trip.
private func isFinite(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let number): number.isFinite
    case .array(let items): items.allSatisfy(isFinite)
    case .object(let object): object.allSatisfy { isFinite($0.value) }
    case .null, .bool, .string: true
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? JSONValue.parseStrictBody(String(decoding: bytes, as: UTF8.self))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    _ = (value.isTruthy, value.jsString, value["room"], value["name"])
    // What the server writes back must read as the same value.
    guard let again = try? JSONValue.parse(Array(value.serialized.utf8), limits: JSONLimits(maxBytes: .max))
    else { fatalError("serialized text of a parsed value did not parse") }
    if isFinite(value), again != value { fatalError("serialized text of a parsed value read back differently") }
    return 0
}
