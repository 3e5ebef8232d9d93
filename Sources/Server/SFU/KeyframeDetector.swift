import ParleyMedia

/// Whether an RTP payload starts a decodable picture, so a new player's video begins where its decoder can
/// (docs/interop.md §4). Reads only the payload bytes; never traps on short or malformed input.
enum KeyframeDetector {
    static func startsKeyframe(_ payload: [UInt8], codec: CodecFamily) -> Bool {
        switch codec {
        case .vp8: vp8(payload)
        case .h264: h264(payload)
        case .opus: true
        }
    }

    /// RFC 7741 §4.2 payload descriptor, then §4.3 / RFC 6386 §9.1: the first partition of a frame (S=1, PID=0)
    /// whose frame tag has P (inverse key frame flag) clear.
    static func vp8(_ payload: [UInt8]) -> Bool {
        guard let first = payload.first, first & 0x10 != 0, first & 0x07 == 0 else { return false }
        var offset = 1
        if first & 0x80 != 0 {
            // X: I | L | T | K in the extension byte.
            guard payload.count > offset else { return false }
            let extensions = payload[offset]
            offset += 1
            if extensions & 0x80 != 0 {
                // I: PictureID, 15 bits when M is set.
                guard payload.count > offset else { return false }
                offset += payload[offset] & 0x80 != 0 ? 2 : 1
            }
            if extensions & 0x40 != 0 { offset += 1 } // L: TL0PICIDX
            if extensions & 0x30 != 0 { offset += 1 } // T or K: TID/Y/KEYIDX
        }
        guard payload.count > offset else { return false }
        return payload[offset] & 0x01 == 0
    }

    /// RFC 6184 §5.2: NAL unit type in the low 5 bits. An IDR slice (5) or a sequence parameter set (7, which
    /// encoders send right before the IDR) starts a keyframe, alone (§5.6), inside a STAP-A (24, §5.7.1: 16-bit
    /// sizes and NAL units) or as the first fragment of an FU-A (28, §5.8: S bit set).
    static func h264(_ payload: [UInt8]) -> Bool {
        guard let first = payload.first else { return false }
        switch first & 0x1F {
        case 5, 7: return true
        case 24:
            var offset = 1
            while offset + 2 < payload.count {
                let size = Int(payload[offset]) << 8 | Int(payload[offset + 1])
                guard size > 0 else { return false }
                let type = payload[offset + 2] & 0x1F
                if type == 5 || type == 7 { return true }
                offset += 2 + size
            }
            return false
        case 28:
            guard payload.count > 1 else { return false }
            let header = payload[1]
            return header & 0x80 != 0 && (header & 0x1F == 5 || header & 0x1F == 7)
        default:
            return false
        }
    }
}
