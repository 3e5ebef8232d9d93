import Testing

@testable import ParleyJSON

@Suite("ParleyJSON: the serializer's fast paths write what the general paths write")
struct JSONSerializeFastPathTests {
    /// Number::toString's placement of the shortest digits for an integer-valued double (k <= n <= 21).
    private func generalText(_ value: Double) -> String {
        let (digits, point) = JSONValue.shortestDigits(abs(value))
        return (value < 0 ? "-" : "") + digits + String(repeating: "0", count: point - digits.count)
    }

    @Test("integral numbers below 2^53: the integer's digits are the shortest round-trip digits")
    func integralNumbers() {
        var values: [Double] = [1, -1, 7, 10, 100, 999, 1000, 123_456_789, 1e15, -1e15, 4_503_599_627_370_496]
        values += [9_007_199_254_740_991, -9_007_199_254_740_991, 9_007_199_254_740_990, 2_147_483_648]
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let magnitude = Double(state >> 11) / Double(1 << (state % 53))
            values.append((state & 1 == 0 ? 1 : -1) * magnitude.rounded(.towardZero))
        }
        for value in values where value != 0 {
            #expect(JSONValue.numberText(value) == generalText(value), "\(value)")
        }
        // At 2^53 and above the general path answers (digits are not the integer's own).
        #expect(JSONValue.numberText(9_007_199_254_740_992) == "9007199254740992")
        #expect(JSONValue.numberText(1152921504606846976) == "1152921504606847000")
    }

    @Test("strings: escaped only where QuoteJSONString escapes, verbatim otherwise")
    func quotedStrings() {
        let cases: [(String, String)] = [
            ("", #""""#), ("plain", #""plain""#), ("x/y é 🎉", #""x/y é 🎉""#), ("a\"b", #""a\"b""#),
            ("back\\slash", #""back\\slash""#), ("tab\there", #""tab\there""#), ("\u{1F}", #""\u001f""#),
            ("\u{7F}", "\"\u{7F}\""),
        ]
        for (text, json) in cases { #expect(JSONValue.string(text).serialized == json) }
    }
}
