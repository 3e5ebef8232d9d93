import NIOCore

/// One server → client text message together with its complete WebSocket frame, encoded once.
///
/// A room's fan-out sends the same message to every member: the frame is built here once and every member's channel
/// writes the same bytes (a `ByteBuffer` shares its storage; nobody writes to it after this), instead of a copy of
/// the text, a frame header and a frame value per member. A class, so handing it to a member retains one object.
final class RoomSocketFrame: Sendable {
    let text: String
    /// The header and the payload, ready for the socket: FIN set, opcode text (RFC 6455 §5.2, §5.6), no mask as a
    /// server's frames have none (§5.1), the payload length in its shortest form (7 bits, 16 or 64, §5.2).
    let wire: ByteBuffer
    /// What the outbound queue's byte bound counts: the payload, as the text's UTF-8 length.
    let payloadBytes: Int

    init(_ text: String) {
        let length = text.utf8.count
        var wire = ByteBufferAllocator().buffer(capacity: length + 10)
        wire.writeInteger(UInt8(0x81)) // FIN | text
        if length < 126 {
            wire.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            wire.writeInteger(UInt8(126))
            wire.writeInteger(UInt16(length))
        } else {
            wire.writeInteger(UInt8(127))
            wire.writeInteger(UInt64(length))
        }
        wire.writeString(text)
        self.text = text
        self.wire = wire
        self.payloadBytes = length
    }
}
