import Foundation
import NIOCore
import ParleyJSON
import Testing

@testable import ParleyHTTP

/// The in-place JSON writer stands in for `JSONEncoder` (the Monibuca envelope) and for `JSON.stringify` (MiroTalk):
/// its strings and integers must be their bytes.
@Suite("JSON output: strings and integers as JSONEncoder and JSON.stringify write them")
struct JSONOutputTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func written(atMost bound: Int, _ body: (inout JSONOutput) -> Void) -> String {
        var writer = JSONBufferWriter(capacity: 0)
        writer.write(atMost: bound, body)
        return String(buffer: writer.buffer)
    }

    /// Every ASCII byte alone, and text mixing escapes, `/`, DEL, non-ASCII, U+2028/U+2029 and astral scalars.
    static let strings: [String] =
        (0..<128).map { String(UnicodeScalar(UInt8($0))) } + [
            "", "plain", #"quote " and back\slash"#, "a/b</script>", "tab\tnew\nline\r\u{8}\u{c}", "\u{7f}\u{80}\u{9f}",
            "ünïcödé 会議 🎥", "\u{2028}\u{2029}", "\u{feff}bom", "e\u{301} composed",
            String(repeating: "\u{1}\"", count: 500),
        ]

    @Test("strings: the bytes JSONEncoder writes, and JSON.stringify's, within the bound")
    func strings() throws {
        for text in Self.strings {
            let written = Self.written(atMost: JSONOutput.bound(text)) { $0.string(text) }
            let encoded = String(decoding: try Self.encoder.encode([text]), as: UTF8.self)
            #expect("[" + written + "]" == encoded, "\(Array(text.unicodeScalars))")
            #expect(written == JSONValue.string(text).serialized, "\(Array(text.unicodeScalars))")
            // A bridged (non-native) string takes the copying path.
            let bridged = NSString(string: text) as String
            #expect(Self.written(atMost: JSONOutput.bound(bridged)) { $0.string(bridged) } == written)
        }
        #expect(Self.written(atMost: JSONOutput.bound(String?.none)) { $0.optionalString(nil) } == "null")
    }

    @Test("each byte to escape, and non-ASCII, at every position of strings up to 25 bytes long")
    func escapeAtEveryPosition() throws {
        let specials: [String] = ["\u{0}", "\u{1f}", "\"", "\\", "\n", " ", "~", "\u{7f}", "é", "会", "🎥"]
        for length in 0...24 {
            for special in specials {
                for position in 0...length {
                    let plain = String(repeating: "a", count: length)
                    var text = plain
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    let written = Self.written(atMost: JSONOutput.bound(text)) { $0.string(text) }
                    let encoded = String(decoding: try Self.encoder.encode([text]), as: UTF8.self)
                    #expect("[" + written + "]" == encoded, "\(length) \(position) \(Array(special.unicodeScalars))")
                }
            }
        }
    }

    @Test("integers: every width's extremes and powers of ten as JSONEncoder writes them")
    func integers() throws {
        var signed: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            signed += [power - 1, power, power + 1, -power]
        }
        for value in signed {
            let written = Self.written(atMost: JSONOutput.integerBound) { $0.integer(value) }
            #expect(written == String(decoding: try Self.encoder.encode(value), as: UTF8.self))
            #expect(written.utf8.count <= JSONOutput.integerBound)
        }
        for value in [UInt64.max, UInt64.max - 1, 0, 10_000_000_000_000_000_000] {
            let written = Self.written(atMost: JSONOutput.integerBound) { $0.integer(value) }
            #expect(written == String(decoding: try Self.encoder.encode(value), as: UTF8.self))
        }
        for value in [UInt32.max, 0, 7] {
            #expect(Self.written(atMost: JSONOutput.integerBound) { $0.integer(value) } == String(value))
        }
        for value in [Int.min, Int.max, -5, 0] {
            var writer = JSONBufferWriter(capacity: 0)
            writer.int(value)
            #expect(String(buffer: writer.buffer) == String(value))
        }
    }

    @Test("literals and the buffer writer's own helpers")
    func literals() {
        #expect(Self.written(atMost: JSONOutput.literalBound) { $0.bool(true) } == "true")
        #expect(Self.written(atMost: JSONOutput.literalBound) { $0.bool(false) } == "false")
        #expect(Self.written(atMost: JSONOutput.literalBound) { $0.null() } == "null")
        var writer = JSONBufferWriter(capacity: 1)
        writer.raw("[")
        writer.string("a\"b")
        writer.raw(",")
        writer.optionalString(nil)
        writer.raw(",")
        writer.bool(false)
        writer.raw(",")
        writer.null()
        writer.raw("]")
        #expect(String(buffer: writer.buffer) == #"["a\"b",null,false,null]"#)
    }
}
