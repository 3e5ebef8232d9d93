/// One RFC 8285 header extension element (local identifier + data).
public struct RTPExtensionElement: Hashable, Sendable {
    public var id: UInt8
    public var data: [UInt8]

    public init(id: UInt8, data: [UInt8]) {
        self.id = id
        self.data = data
    }
}

/// The RTP header extension block (RFC 3550 §5.3.1): a profile word and data padded to 32-bit words.
public struct RTPHeaderExtension: Hashable, Sendable {
    public var profile: UInt16
    /// Data without the 4-byte extension header; a multiple of 4 bytes on the wire.
    public var data: [UInt8]

    /// RFC 8285 §4.2 one-byte form.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// RFC 8285 §4.3 two-byte form: 0x100 in the top 12 bits, 4 "appbits" below.
    public static func isTwoByteProfile(_ profile: UInt16) -> Bool { profile & 0xFFF0 == 0x1000 }

    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }

    /// Builds the smallest RFC 8285 block for `elements`: one-byte form when every id is 1–14 and every length
    /// 1–16, otherwise two-byte form (ids 1–255, lengths 0–255). Nil when an element fits neither.
    public init?(elements: [RTPExtensionElement]) {
        var writer = ByteWriter()
        if elements.allSatisfy({ (1...14).contains($0.id) && (1...16).contains($0.data.count) }) {
            profile = Self.oneByteProfile
            for element in elements {
                writer.write(element.id << 4 | UInt8(element.data.count - 1))
                writer.write(bytes: element.data)
            }
        } else if elements.allSatisfy({ $0.id >= 1 && $0.data.count <= 255 }) {
            profile = 0x1000
            for element in elements {
                writer.write(element.id)
                writer.write(UInt8(element.data.count))
                writer.write(bytes: element.data)
            }
        } else {
            return nil
        }
        writer.pad(toMultipleOf: 4)
        data = writer.bytes
    }

    /// RFC 8285 §4.2/§4.3 elements; nil when the profile is not RFC 8285 or an element overruns the block.
    public var elements: [RTPExtensionElement]? {
        let twoByte = Self.isTwoByteProfile(profile)
        guard profile == Self.oneByteProfile || twoByte else { return nil }
        var reader = ByteReader(data)
        var result = [RTPExtensionElement]()
        while let head = reader.readUInt8() {
            if twoByte {
                if head == 0 { continue } // padding
                guard let length = reader.readUInt8(), let body = reader.readBytes(Int(length)) else { return nil }
                result.append(RTPExtensionElement(id: head, data: Array(body)))
            } else {
                let id = head >> 4
                if id == 0 { continue } // padding byte (its length nibble must be ignored, §4.2)
                if id == 15 { break } // reserved: stop processing the rest (§4.2)
                guard let body = reader.readBytes(Int(head & 0x0F) + 1) else { return nil }
                result.append(RTPExtensionElement(id: id, data: Array(body)))
            }
        }
        return result
    }

    func encode(into writer: inout ByteWriter) {
        writer.write(profile)
        writer.write(UInt16(clamping: (data.count + 3) / 4))
        writer.write(bytes: data)
        writer.pad(toMultipleOf: 4)
    }
}
