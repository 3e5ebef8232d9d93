/// Why bytes were rejected as RTP.
public enum RTPParseError: Error, Equatable, Sendable {
    case truncated
    case badVersion
    case badPadding
    case malformedExtension
}

/// RFC 3550 §5.1 fixed header fields plus the layout of one RTP packet, read without allocating. It keeps
/// offsets, not the bytes, so the caller can still rewrite its own buffer in place (see `RTPRewrite`).
public struct RTPHeaderView: Hashable, Sendable {
    public let hasPadding: Bool
    public let hasExtension: Bool
    public let marker: Bool
    public let payloadType: UInt8
    public let sequenceNumber: UInt16
    public let timestamp: UInt32
    public let ssrc: UInt32
    public let csrcCount: Int
    /// RFC 3550 §5.3.1 "defined by profile" field; RFC 8285 uses 0xBEDE and 0x100X.
    public let extensionProfile: UInt16?
    /// Extension data (after the 4-byte extension header), when X is set.
    public let extensionRange: Range<Int>?
    public let payloadRange: Range<Int>
    /// Padding bytes at the end, including the count byte itself (RFC 3550 §5.1 P bit).
    public let paddingLength: Int

    public var headerLength: Int { payloadRange.lowerBound }

    public init(parsing bytes: [UInt8]) throws(RTPParseError) {
        var reader = ByteReader(bytes)
        guard let first = reader.readUInt8(), let second = reader.readUInt8(), let sequence = reader.readUInt16(),
            let timestamp = reader.readUInt32(), let ssrc = reader.readUInt32()
        else { throw .truncated }
        guard first >> 6 == 2 else { throw .badVersion }
        hasPadding = first & 0x20 != 0
        hasExtension = first & 0x10 != 0
        csrcCount = Int(first & 0x0F)
        marker = second & 0x80 != 0
        payloadType = second & 0x7F
        sequenceNumber = sequence
        self.timestamp = timestamp
        self.ssrc = ssrc
        guard reader.skip(4 * csrcCount) else { throw .truncated }
        if hasExtension {
            guard let profile = reader.readUInt16(), let words = reader.readUInt16() else { throw .truncated }
            let start = reader.offset
            guard reader.skip(4 * Int(words)) else { throw .truncated }
            extensionProfile = profile
            extensionRange = start..<reader.offset
        } else {
            extensionProfile = nil
            extensionRange = nil
        }
        var end = bytes.count
        if hasPadding {
            // The last byte counts the padding including itself; it cannot be 0 or reach into the header.
            guard let count = bytes.last.map(Int.init), count >= 1, count <= end - reader.offset else {
                throw .badPadding
            }
            end -= count
            paddingLength = count
        } else {
            paddingLength = 0
        }
        payloadRange = reader.offset..<end
    }

    public func csrcs(in bytes: [UInt8]) -> [UInt32] {
        (0..<csrcCount).compactMap { bytes.bigEndianUInt32(at: 12 + 4 * $0) }
    }

    /// RFC 8285 elements of the header extension; nil when there is none or its profile is not RFC 8285.
    public func extensionElements(in bytes: [UInt8]) -> [RTPExtensionElement]? {
        guard let profile = extensionProfile, let range = extensionRange, range.upperBound <= bytes.count else {
            return nil
        }
        return RTPHeaderExtension(profile: profile, data: Array(bytes[range])).elements
    }
}

/// In-place rewrites of the fixed header for forwarding (per-subscriber SSRC, sequence and timestamp), each a
/// no-op returning false on a buffer shorter than the fixed header (RFC 3550 §5.1 offsets).
public enum RTPRewrite {
    @discardableResult
    public static func setSequenceNumber(_ value: UInt16, in packet: inout [UInt8]) -> Bool {
        guard packet.count >= 12 else { return false }
        packet.setBigEndianUInt16(value, at: 2)
        return true
    }

    @discardableResult
    public static func setTimestamp(_ value: UInt32, in packet: inout [UInt8]) -> Bool {
        guard packet.count >= 12 else { return false }
        packet.setBigEndianUInt32(value, at: 4)
        return true
    }

    @discardableResult
    public static func setSSRC(_ value: UInt32, in packet: inout [UInt8]) -> Bool {
        guard packet.count >= 12 else { return false }
        packet.setBigEndianUInt32(value, at: 8)
        return true
    }

    @discardableResult
    public static func setPayloadType(_ value: UInt8, in packet: inout [UInt8]) -> Bool {
        guard packet.count >= 12 else { return false }
        packet[1] = (packet[1] & 0x80) | (value & 0x7F)
        return true
    }

    @discardableResult
    public static func setMarker(_ value: Bool, in packet: inout [UInt8]) -> Bool {
        guard packet.count >= 12 else { return false }
        packet[1] = value ? packet[1] | 0x80 : packet[1] & 0x7F
        return true
    }
}
