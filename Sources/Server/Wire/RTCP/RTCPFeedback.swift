/// RFC 4585 §6.2.1 Generic NACK (RTPFB, FMT 1).
public struct RTCPGenericNACK: Hashable, Sendable {
    public static let format: UInt8 = 1

    /// One FCI entry: a lost packet id plus a bitmask of the 16 following lost packets (bit i = PID + i + 1).
    public struct Pair: Hashable, Sendable {
        public var packetID: UInt16
        public var lostBitmask: UInt16

        public init(packetID: UInt16, lostBitmask: UInt16) {
            self.packetID = packetID
            self.lostBitmask = lostBitmask
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var pairs: [Pair]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, pairs: [Pair]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.pairs = pairs
    }

    /// Packs lost sequence numbers (in sending order, wrap-around allowed) into as few pairs as the order allows.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32, lostSequenceNumbers: [UInt16]) {
        var pairs = [Pair]()
        for sequence in lostSequenceNumbers {
            if let last = pairs.last {
                let distance = sequence &- last.packetID
                if (1...16).contains(distance) {
                    pairs[pairs.count - 1].lostBitmask |= 1 << (distance - 1)
                    continue
                }
                if distance == 0 { continue }
            }
            pairs.append(Pair(packetID: sequence, lostBitmask: 0))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, pairs: pairs)
    }

    /// Every sequence number the pairs mark as lost, in order.
    public var lostSequenceNumbers: [UInt16] {
        var result = [UInt16]()
        for pair in pairs {
            result.append(pair.packetID)
            for bit in 0..<16 where pair.lostBitmask & (1 << bit) != 0 {
                result.append(pair.packetID &+ UInt16(bit + 1))
            }
        }
        return result
    }

    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let sender = reader.readUInt32(), let media = reader.readUInt32(), reader.remaining % 4 == 0 else {
            return nil
        }
        var pairs = [Pair]()
        while let id = reader.readUInt16(), let mask = reader.readUInt16() {
            pairs.append(Pair(packetID: id, lostBitmask: mask))
        }
        self.init(senderSSRC: sender, mediaSSRC: media, pairs: pairs)
    }

    func encodeBody(into writer: inout ByteWriter) {
        writer.write(senderSSRC)
        writer.write(mediaSSRC)
        for pair in pairs {
            writer.write(pair.packetID)
            writer.write(pair.lostBitmask)
        }
    }
}

/// RFC 4585 §6.3.1 Picture Loss Indication (PSFB, FMT 1, no FCI).
public struct RTCPPictureLossIndication: Hashable, Sendable {
    public static let format: UInt8 = 1
    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32

    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let sender = reader.readUInt32(), let media = reader.readUInt32() else { return nil }
        self.init(senderSSRC: sender, mediaSSRC: media)
    }

    func encodeBody(into writer: inout ByteWriter) {
        writer.write(senderSSRC)
        writer.write(mediaSSRC)
    }
}

/// RFC 5104 §4.3.1 Full Intra Request (PSFB, FMT 4). The media SSRC field is unused (0); targets are in the FCI.
public struct RTCPFullIntraRequest: Hashable, Sendable {
    public static let format: UInt8 = 4

    public struct Entry: Hashable, Sendable {
        public var ssrc: UInt32
        /// Command sequence number, incremented per new request to the same target (§4.3.1.1).
        public var sequenceNumber: UInt8

        public init(ssrc: UInt32, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var entries: [Entry]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32 = 0, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let sender = reader.readUInt32(), let media = reader.readUInt32(), reader.remaining % 8 == 0 else {
            return nil
        }
        var entries = [Entry]()
        while let ssrc = reader.readUInt32(), let sequence = reader.readUInt8(), reader.skip(3) {
            entries.append(Entry(ssrc: ssrc, sequenceNumber: sequence))
        }
        self.init(senderSSRC: sender, mediaSSRC: media, entries: entries)
    }

    func encodeBody(into writer: inout ByteWriter) {
        writer.write(senderSSRC)
        writer.write(mediaSSRC)
        for entry in entries {
            writer.write(entry.ssrc)
            writer.write(entry.sequenceNumber)
            writer.writeZeros(3)
        }
    }
}

/// draft-alvestrand-rmcat-remb-03 §2.2 Receiver Estimated Maximum Bitrate: PSFB FMT 15 with the "REMB" identifier,
/// bitrate as an 18-bit mantissa times 2^(6-bit exponent), and the SSRCs it applies to.
public struct RTCPReceiverEstimatedMaximumBitrate: Hashable, Sendable {
    public static let format: UInt8 = 15
    static let identifier: [UInt8] = Array("REMB".utf8)

    public var senderSSRC: UInt32
    /// Bits per second. Encoding rounds down to what mantissa × 2^exponent can express.
    public var bitrate: UInt64
    public var ssrcs: [UInt32]

    public init(senderSSRC: UInt32, bitrate: UInt64, ssrcs: [UInt32]) {
        self.senderSSRC = senderSSRC
        self.bitrate = bitrate
        self.ssrcs = ssrcs
    }

    init?(body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        // The media SSRC field is always 0 for REMB (§2.2) and is not kept.
        guard let sender = reader.readUInt32(), reader.readUInt32() != nil, let tag = reader.readBytes(4),
            tag.elementsEqual(Self.identifier), let count = reader.readUInt8(), let packed = reader.readUInt24()
        else { return nil }
        let exponent = packed >> 18
        let mantissa = UInt64(packed & 0x3_FFFF)
        var ssrcs = [UInt32]()
        for _ in 0..<count {
            guard let ssrc = reader.readUInt32() else { return nil }
            ssrcs.append(ssrc)
        }
        // 18 + 63 bits can exceed 64: saturate instead of silently dropping high bits.
        let bitrate = mantissa.leadingZeroBitCount < Int(exponent) ? UInt64.max : mantissa << UInt64(exponent)
        self.init(senderSSRC: sender, bitrate: bitrate, ssrcs: ssrcs)
    }

    func encodeBody(into writer: inout ByteWriter) {
        var exponent: UInt32 = 0
        var mantissa = bitrate
        while mantissa > 0x3_FFFF && exponent < 63 {
            mantissa >>= 1
            exponent += 1
        }
        writer.write(senderSSRC)
        writer.write(UInt32(0))
        writer.write(bytes: Self.identifier)
        writer.write(UInt8(min(ssrcs.count, 255)))
        writer.writeUInt24(exponent << 18 | UInt32(mantissa & 0x3_FFFF))
        for ssrc in ssrcs.prefix(255) { writer.write(ssrc) }
    }
}
