/// WebSocket frames in a reassembled byte stream (RFC 6455 §5.2): header, extended length, masking key, payload;
/// fragments joined into messages (§5.4), control frames kept in place. Untrusted input: lengths are capped.
enum WebSocketCaptureFraming {
    static let maxMessageBytes = 16 << 20

    /// Every message in `bytes[start...]`, stopping at the first incomplete frame (the capture ended) or a close.
    /// `arrival` gives the capture time of a stream offset.
    static func messages(
        in bytes: [UInt8], from start: Int, fromClient: Bool, arrival: (Int) -> Int64
    ) throws(HTTPCaptureFraming.Failure) -> [CapturedWebSocketMessage] {
        var messages: [CapturedWebSocketMessage] = []
        var index = start
        var fragments: (kind: CapturedWebSocketMessage.Kind, payload: [UInt8], offset: Int)?
        while index < bytes.count {
            guard let frame = try frame(in: bytes, at: index) else { break }
            let frameStart = index
            index = frame.end
            // Client frames are masked and server frames are not (§5.1); a capture breaking this is still read.
            let kind: CapturedWebSocketMessage.Kind
            switch frame.opcode {
            case 0x0:
                guard var open = fragments else {
                    throw .init(offset: frameStart, message: "WebSocket continuation frame without a first fragment")
                }
                guard open.payload.count + frame.payload.count <= maxMessageBytes else {
                    throw .init(offset: frameStart, message: "WebSocket message above \(maxMessageBytes) bytes")
                }
                open.payload += frame.payload
                fragments = open
                if frame.fin {
                    messages.append(
                        CapturedWebSocketMessage(
                            fromClient: fromClient, kind: open.kind, payload: open.payload,
                            microseconds: arrival(open.offset)))
                    fragments = nil
                }
                continue
            case 0x1: kind = .text
            case 0x2: kind = .binary
            case 0x8: kind = .close
            case 0x9: kind = .ping
            case 0xA: kind = .pong
            default:
                throw .init(offset: frameStart, message: "WebSocket reserved opcode \(frame.opcode)")
            }
            if kind == .text || kind == .binary {
                guard fragments == nil else {
                    throw .init(offset: frameStart, message: "WebSocket data frame inside a fragmented message")
                }
                if !frame.fin {
                    fragments = (kind, frame.payload, frameStart)
                    continue
                }
            } else if !frame.fin || frame.payload.count > 125 {
                throw .init(offset: frameStart, message: "WebSocket control frame fragmented or above 125 bytes")
            }
            messages.append(
                CapturedWebSocketMessage(
                    fromClient: fromClient, kind: kind, payload: frame.payload, microseconds: arrival(frameStart)))
            if kind == .close { break }
        }
        return messages
    }

    struct Frame {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]
        var end: Int
    }

    /// One frame at `start`; nil when the stream ends inside it.
    static func frame(in bytes: [UInt8], at start: Int) throws(HTTPCaptureFraming.Failure) -> Frame? {
        guard bytes.count - start >= 2 else { return nil }
        let first = bytes[start]
        let second = bytes[start + 1]
        guard first & 0x40 == 0 else {
            // RSV1 is permessage-deflate's "compressed" bit (RFC 7692 §6): inflating it is not implemented.
            throw .init(
                offset: start, message: "WebSocket frame compressed with permessage-deflate (RFC 7692), not read")
        }
        var index = start + 2
        var length = Int(second & 0x7f)
        if length == 126 {
            guard bytes.count - index >= 2 else { return nil }
            length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            index += 2
        } else if length == 127 {
            guard bytes.count - index >= 8 else { return nil }
            var wide: UInt64 = 0
            for byte in bytes[index..<(index + 8)] { wide = wide << 8 | UInt64(byte) }
            // §5.2: the most significant bit must be 0; anything above the cap is refused before allocating.
            guard wide <= UInt64(maxMessageBytes) else {
                throw .init(offset: start, message: "WebSocket frame length \(wide) above \(maxMessageBytes)")
            }
            length = Int(wide)
            index += 8
        }
        guard length <= maxMessageBytes else {
            throw .init(offset: start, message: "WebSocket frame length \(length) above \(maxMessageBytes)")
        }
        var maskingKey: [UInt8]?
        if second & 0x80 != 0 {
            guard bytes.count - index >= 4 else { return nil }
            maskingKey = Array(bytes[index..<(index + 4)])
            index += 4
        }
        guard bytes.count - index >= length else { return nil }
        var payload = Array(bytes[index..<(index + length)])
        if let maskingKey {
            // §5.3: octet i is XORed with key octet i mod 4.
            for position in payload.indices { payload[position] ^= maskingKey[position & 3] }
        }
        return Frame(fin: first & 0x80 != 0, opcode: first & 0x0f, payload: payload, end: index + length)
    }
}
