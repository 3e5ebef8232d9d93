import NIOCore
import Testing

@testable import ParleyHTTP

@Suite("Room socket frame: a text message encoded once as a complete WebSocket frame")
struct RoomSocketFrameTests {
    struct MalformedFrame: Error {}

    /// Reads unmasked FIN text frames (RFC 6455 §5.2) until the bytes run out; throws on anything else.
    static func parseTextFrames(_ bytes: inout ByteBuffer) throws -> [String] {
        var texts: [String] = []
        while bytes.readableBytes > 0 {
            guard let first = bytes.readInteger(as: UInt8.self), first == 0x81,
                let second = bytes.readInteger(as: UInt8.self), second & 0x80 == 0
            else { throw MalformedFrame() }
            var length = Int(second)
            if length == 126 {
                guard let extended = bytes.readInteger(as: UInt16.self), extended >= 126 else { throw MalformedFrame() }
                length = Int(extended)
            } else if length == 127 {
                guard let extended = bytes.readInteger(as: UInt64.self), extended > UInt16.max else {
                    throw MalformedFrame()
                }
                length = Int(extended)
            }
            guard let text = bytes.readString(length: length) else { throw MalformedFrame() }
            texts.append(text)
        }
        return texts
    }

    @Test(
        "each payload length takes its shortest form (7 bits, 16, 64) and reads back as the text",
        arguments: [(0, 2), (125, 2), (126, 4), (65_535, 4), (65_536, 10)])
    func lengths(length: Int, header: Int) throws {
        let text = String(repeating: "a", count: length)
        let frame = RoomSocketFrame(text)
        #expect(frame.payloadBytes == length)
        #expect(frame.wire.readableBytes == header + length)
        var wire = frame.wire
        #expect(try Self.parseTextFrames(&wire) == [text])
    }

    @Test("the length counts UTF-8 bytes, not characters")
    func utf8() throws {
        let text = #"{"event":"msg","data":{"text":"grüße 👋"}}"#
        let frame = RoomSocketFrame(text)
        #expect(frame.payloadBytes == text.utf8.count)
        #expect(frame.text == text)
        var wire = frame.wire
        #expect(try Self.parseTextFrames(&wire) == [text])
    }
}
