import ParleyJSON
import Foundation
import Testing
@testable import ParleyHTTP

@Suite("MiroTalk JSON: JSON.parse/JSON.stringify semantics and V8's error wording")
struct MiroTalkJSValueTests {
    @Test("JSON.stringify bytes: key order kept, no spaces, '/' and non-ASCII verbatim, controls escaped")
    func stringify() throws {
        let value = try JSONValue.parseLikeV8(
            #"{"b":1,"a":[true,null,"x/y é\u0001\n"],"c":{"z":-0.5,"y":1e21,"x":1e-7}}"#)
        #expect(value.serialized == #"{"b":1,"a":[true,null,"x/y é\u0001\n"],"c":{"z":-0.5,"y":1e+21,"x":1e-7}}"#)
        #expect(try JSONValue.parseLikeV8(#"{"k":1,"k":2}"#).serialized == #"{"k":2}"#)
    }

    @Test("truthiness and String() follow ECMAScript")
    func conversions() {
        let falsy: [JSONValue] = [.null, false, 0, .number(-0.0), .string("")]
        #expect(falsy.allSatisfy { !$0.isTruthy })
        let truthy: [JSONValue] = [true, 1, "0", "false", .array([]), .object([])]
        #expect(truthy.allSatisfy { $0.isTruthy })
        #expect(JSONValue.number(3).jsString == "3")
        #expect(JSONValue.number(2.5).jsString == "2.5")
        #expect(JSONValue.array([1, .null, "a", .array([2, 3])]).jsString == "1,,a,2,3")
        #expect(JSONValue.object([("a", 1)]).jsString == "[object Object]")
        #expect(JSONValue.null.jsString == "null")
    }

    @Test("V8 gives context around an unexpected token in sources of 21 characters or more")
    func contextMessages() {
        func message(_ text: String) -> String? {
            do { _ = try JSONValue.parseLikeV8(text); return nil } catch { return error.message }
        }
        #expect(
            message(#"{"a":1,"bbbbbbbbbbbbbbbb":x}"#) == #"Unexpected token 'x', ..."bbbbbbbb":x}" is not valid JSON"#)
        #expect(
            message(#"{"aaaaaaaaaaaaaaaaaaa":x,"cccccccccccc":1}"#)
                == #"Unexpected token 'x', ..."aaaaaaaa":x,"ccccccc"... is not valid JSON"#)
        #expect(
            message(#"[x,"aaaaaaaaaaaaaaaaaaaaaaaaa"]"#) == #"Unexpected token 'x', "[x,"aaaaaaa"... is not valid JSON"#
        )
        #expect(message("") == "Unexpected end of JSON input")
        #expect(message(#"{"a":"#) == "Unexpected end of JSON input")
        #expect(message("[-]") == "No number after minus sign in JSON at position 2 (line 1 column 3)")
        #expect(message("[1.]") == "Unterminated fractional number in JSON at position 3 (line 1 column 4)")
        #expect(message("[1e]") == "Exponent part is missing a number in JSON at position 3 (line 1 column 4)")
        #expect(
            message("{\n\"a\":\"\u{1}\"}")
                == "Bad control character in string literal in JSON at position 7 (line 2 column 6)")
        #expect(message(#"["\x"]"#) == "Bad escaped character in JSON at position 2 (line 1 column 3)")
        #expect(message(#"{"a" "b"}"#) == "Expected ':' after property name in JSON at position 5 (line 1 column 6)")
        #expect(message(String(repeating: "[", count: 10_000)) == "Maximum nesting depth exceeded")
    }

    @Test("body-parser strict mode puts the offending text into V8's placeholders")
    func strictBody() throws {
        #expect(throws: JSONSyntaxError(message: #"Unexpected token 't', "true" is not valid JSON"#)) {
            try JSONValue.parseStrictBody("true")
        }
        #expect(throws: JSONSyntaxError(message: #"Unexpected token '1', " 123" is not valid JSON"#)) {
            try JSONValue.parseStrictBody(" 123")
        }
        #expect(try JSONValue.parseStrictBody(" [1]") == .array([1]))
    }

    @Test("urlencoded bodies parse like qs: plus is space, nesting with brackets, repeated keys collect")
    func urlEncoded() {
        let value = URLEncodedForm.parse(
            "room=a+b&token[username]=u%40x&token[presenter]=true&tag=1&tag=2&list[]=x&bad=%zz")
        #expect(
            value.serialized
                == #"{"room":"a b","token":{"username":"u@x","presenter":"true"},"tag":["1","2"],"list":["x"],"bad":"%zz"}"#
        )
    }

    @Test("encodeURIComponent keeps exactly A-Z a-z 0-9 - _ . ! ~ * ' ( ) and UTF-8-encodes the rest")
    func encodeURIComponent() {
        #expect(MiroTalkLinks.encodeURIComponent("AZaz09-_.!~*'()") == "AZaz09-_.!~*'()")
        #expect(
            MiroTalkLinks.encodeURIComponent(" /?#&=+:@$,;\"é😀")
                == "%20%2F%3F%23%26%3D%2B%3A%40%24%2C%3B%22%C3%A9%F0%9F%98%80")
    }

    @Test("toISOString: UTC, milliseconds truncated")
    func isoTimestamp() {
        #expect(MiroTalkAPI.isoTimestamp(Date(timeIntervalSince1970: 1_787_329_897.1239)) == "2026-08-21T16:31:37.123Z")
        #expect(MiroTalkAPI.isoTimestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
