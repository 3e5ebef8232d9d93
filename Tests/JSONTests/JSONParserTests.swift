import ParleyJSON
import Testing

@Suite("ParleyJSON: a strict, linear, bounded parser")
struct JSONParserTests {
    func parse(_ text: String, limits: JSONLimits = .standard) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8), limits: limits)
    }

    func reason(_ text: String, limits: JSONLimits = .standard) -> JSONParseError.Reason? {
        do { _ = try parse(text, limits: limits); return nil } catch { return error.reason }
    }

    @Test(
        "values keep their JSON types and objects their order; a repeated key keeps its place and takes the last value")
    func values() throws {
        let value = try parse(#" {"b":true,"a":[1,2.5,-0,null,"x"],"b":false,"c":{}} "#)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["b"] == .bool(false))
        #expect(value["a"] == .array([1, .number(2.5), .number(-0.0), .null, "x"]))
        #expect(value["a"]?.arrayValue?[0].integerValue == 1)
        #expect(value["a"]?.arrayValue?[1].integerValue == nil)
        #expect(value["c"] == .object([:]))
        #expect(value["missing"] == nil)
        #expect(try parse("true").numberValue == nil, "a boolean is never a number")
    }

    @Test("escapes: the short ones, \\u with surrogate pairs, a lone surrogate as U+FFFD")
    func escapes() throws {
        #expect(try parse(#""a\"\\\/\b\f\n\r\t""#) == .string("a\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
        #expect(try parse(#""\ud800x\udc00""#) == .string("\u{FFFD}x\u{FFFD}"))
    }

    @Test("each malformed input names its reason and byte offset")
    func errors() {
        #expect(reason("") == .unexpectedCharacter)
        #expect(reason("[1 2]") == .expectedCommaOrArrayEnd)
        #expect(reason("{") == .expectedPropertyNameOrEnd)
        #expect(reason(#"{"a":1,}"#) == .expectedPropertyName)
        #expect(reason(#"{"a" 1}"#) == .expectedColon)
        #expect(reason(#"{"a":1"#) == .expectedCommaOrObjectEnd)
        #expect(reason("tru") == .invalidLiteral)
        #expect(reason(#""abc"#) == .unterminatedString)
        #expect(reason("\"a\u{1}\"") == .controlCharacterInString)
        #expect(reason(#""\x""#) == .badEscape)
        #expect(reason(#""\u12G4""#) == .badUnicodeEscape)
        #expect(reason("-") == .missingDigitAfterMinus)
        #expect(reason("1.") == .missingFractionDigits)
        #expect(reason("1e+") == .missingExponentDigits)
        #expect(reason("1 2") == .trailingCharacters)
        #expect(reason("01") == .trailingCharacters)
        do {
            _ = try parse(#"{"a":1} x"#)
            Issue.record("parsed trailing text")
        } catch {
            #expect(error.offset == 8)
        }
    }

    @Test("input that is not UTF-8 is refused at the first bad byte (RFC 8259 §8.1)")
    func utf8() throws {
        for bad: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
        ] {
            #expect(throws: JSONParseError(.invalidUTF8, at: 1)) { try JSONValue.parse(bad) }
        }
        #expect(try JSONValue.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == .string("😀"))
    }

    @Test("limits: size, depth, members per object, elements per array — each a named refusal")
    func limits() {
        let small = JSONLimits(maxBytes: 64, maxDepth: 3, maxMembers: 2, maxElements: 3)
        #expect(reason(String(repeating: " ", count: 65) + "1", limits: small) == .tooLarge(limit: 64))
        #expect(reason("[[[1]]]", limits: small) == nil)
        #expect(reason("[[[[1]]]]", limits: small) == .tooDeep(limit: 3))
        #expect(reason(#"{"a":1,"b":2}"#, limits: small) == nil)
        #expect(reason(#"{"a":1,"b":2,"c":3}"#, limits: small) == .tooManyMembers(limit: 2))
        #expect(
            reason(#"{"a":1,"a":2,"a":3}"#, limits: small) == .tooManyMembers(limit: 2), "repeats cost a parse each")
        #expect(reason("[1,2,3]", limits: small) == nil)
        #expect(reason("[1,2,3,4]", limits: small) == .tooManyElements(limit: 3))
        #expect(reason(String(repeating: "[", count: 100_000)) == .tooDeep(limit: JSONLimits.standard.maxDepth))
    }

    @Test("parsing is linear: 40,000 distinct keys parse in well under a second, and cost about 4x 10,000")
    func linear() throws {
        func object(_ count: Int) -> [UInt8] {
            Array(("{" + (0..<count).map { "\"key\($0)\":\($0)" }.joined(separator: ",") + "}").utf8)
        }
        let roomy = JSONLimits(maxMembers: 100_000)
        let small = object(10_000), large = object(40_000)
        let clock = ContinuousClock()
        let smallTime = try clock.measure { _ = try JSONValue.parse(small, limits: roomy) }
        var parsed: JSONValue = .null
        let largeTime = try clock.measure { parsed = try JSONValue.parse(large, limits: roomy) }
        #expect(parsed.objectValue?.count == 40_000)
        #expect(largeTime < .seconds(1))
        // Quadratic growth would make this 16x; allow generous noise around 4x.
        #expect(largeTime < smallTime * 10 + .milliseconds(50))
    }

    @Test("serialized is JSON.stringify: compact, ordered, minimal escapes, JavaScript number text")
    func serialize() throws {
        let value = try parse(#"{"b":1,"a":[true,null,"x/y é\u0001\n"],"c":{"z":-0.5,"y":1e21,"x":1e-7}}"#)
        #expect(value.serialized == #"{"b":1,"a":[true,null,"x/y é\u0001\n"],"c":{"z":-0.5,"y":1e+21,"x":1e-7}}"#)
        #expect(JSONValue.number(.infinity).serialized == "null")
        let numbers: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (100, "100"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
            (0.000001, "0.000001"), (1e-7, "1e-7"), (123.456, "123.456"), (1152921504606846976, "1152921504606847000"),
            (5e-324, "5e-324"), (-2.5e-10, "-2.5e-10"),
        ]
        for (number, text) in numbers { #expect(JSONValue.numberText(number) == text) }
        #expect(try parse(value.serialized) == value)
    }
}
