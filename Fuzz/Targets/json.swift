// libFuzzer target: JSON request bodies (RFC 8259) through MiroTalk's V8-compatible parser, as `/api/v1` reads them.
import MiroTalkJSON

/// JSON.stringify writes an infinite number (from e.g. `1e400`) as `null`, so such values cannot round-trip.
private func isFinite(_ value: JSValue) -> Bool {
    switch value {
    case .number(let number): number.isFinite
    case .array(let items): items.allSatisfy(isFinite)
    case .object(let members): members.allSatisfy { isFinite($0.1) }
    case .null, .bool, .string: true
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? JSValue.parseStrictBody(text)
    guard let value = try? JSValue.parse(text) else { return 0 }
    _ = (value.isTruthy, value.jsString, value["room"], value["name"])
    // What the server writes back must read as the same value.
    guard let again = try? JSValue.parse(value.jsonText) else { fatalError("jsonText of a parsed value did not parse") }
    if isFinite(value), again != value { fatalError("jsonText of a parsed value read back differently") }
    return 0
}
