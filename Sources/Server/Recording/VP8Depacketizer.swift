/// RFC 7741 §4: VP8 frames from RTP payloads. A frame is the packets of one timestamp from one whose descriptor has
/// S = 1 and PID = 0 to the marker; a frame with a missing packet is dropped, and after any loss nothing is kept
/// until the next key frame (an inter frame would reference what was lost).
enum VP8Depacketizer {
    /// The payload descriptor (RFC 7741 §4.2) of one packet.
    struct Descriptor: Sendable, Hashable {
        var startOfPartition: Bool
        var partitionIndex: UInt8
        /// Bytes the descriptor takes before the VP8 payload.
        var length: Int

        /// nil when the payload is shorter than its descriptor says (or leaves no VP8 byte).
        init?(_ payload: [UInt8]) {
            guard let first = payload.first else { return nil }
            var offset = 1
            if first & 0x80 != 0 { // X: the extension byte follows
                guard offset < payload.count else { return nil }
                let extensions = payload[offset]
                offset += 1
                if extensions & 0x80 != 0 { // I: PictureID, 7 bits or (M set) 15 bits
                    guard offset < payload.count else { return nil }
                    offset += payload[offset] & 0x80 != 0 ? 2 : 1
                }
                if extensions & 0x40 != 0 { offset += 1 } // L: TL0PICIDX
                if extensions & 0x30 != 0 { offset += 1 } // T or K: TID/Y/KEYIDX
            }
            guard offset < payload.count else { return nil }
            startOfPartition = first & 0x10 != 0
            partitionIndex = first & 0x07
            length = offset
        }

        var startsFrame: Bool { startOfPartition && partitionIndex == 0 }
    }

    static func samples(from packets: [OrderedRTPPacket]) -> [MediaSample] {
        var samples: [MediaSample] = []
        var frame: [UInt8] = []
        var frameTimestamp: Int64 = 0
        var frameArrival: Int64 = 0
        var assembling = false
        var needKeyframe = true
        var expectedSequence: Int64?

        for packet in packets {
            if let expected = expectedSequence, packet.extendedSequence != expected {
                // Loss: the frame being built is incomplete, and what follows may reference what was lost.
                assembling = false
                needKeyframe = true
            }
            expectedSequence = packet.extendedSequence + 1
            // Padding-only packets (bandwidth probes) sit between frames and carry nothing.
            if packet.payload.isEmpty { continue }
            guard let descriptor = Descriptor(packet.payload) else {
                assembling = false
                needKeyframe = true
                continue
            }
            let data = packet.payload[descriptor.length...]
            if descriptor.startsFrame {
                frame = Array(data)
                frameTimestamp = packet.extendedTimestamp
                frameArrival = packet.arrivalMicros
                assembling = true
            } else if assembling && packet.extendedTimestamp == frameTimestamp {
                frame += data
            } else {
                assembling = false
                continue
            }
            guard packet.marker, assembling else { continue }
            assembling = false
            // RFC 7741 §4.3 / RFC 6386 §9.1: the P bit (bit 0 of the first frame byte) is 0 for a key frame.
            let isKeyframe = frame[0] & 0x01 == 0
            if needKeyframe && !isKeyframe { continue }
            if let last = samples.last, frameTimestamp <= last.timestamp { continue }
            needKeyframe = false
            samples.append(
                MediaSample(timestamp: frameTimestamp, data: frame, isKeyframe: isKeyframe, arrivalMicros: frameArrival)
            )
        }
        return samples
    }

    /// Width and height from a key frame's header (RFC 6386 §9.1: 3-byte frame tag, start code 9d 01 2a, then
    /// 14-bit width and height, little-endian, with 2-bit scaling above); nil for an inter frame or short data.
    static func dimensions(ofKeyframe frame: [UInt8]) -> (width: UInt16, height: UInt16)? {
        guard frame.count >= 10, frame[0] & 0x01 == 0, frame[3] == 0x9D, frame[4] == 0x01, frame[5] == 0x2A else {
            return nil
        }
        let width = (UInt16(frame[6]) | UInt16(frame[7]) << 8) & 0x3FFF
        let height = (UInt16(frame[8]) | UInt16(frame[9]) << 8) & 0x3FFF
        return (width, height)
    }
}
