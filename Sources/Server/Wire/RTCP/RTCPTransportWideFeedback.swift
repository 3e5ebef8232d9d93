/// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 transport-wide congestion control feedback
/// (RTPFB, FMT 15): per transport sequence number, whether it arrived and its receive delta.
public struct RTCPTransportWideFeedback: Hashable, Sendable {
    public static let format: UInt8 = 15

    /// §3.1.1 packet status symbols, with the receive delta in 250 µs ticks for received packets.
    public enum PacketStatus: Hashable, Sendable {
        case notReceived
        /// Symbol 01: one-byte unsigned delta (0–63.75 ms).
        case receivedSmallDelta(UInt8)
        /// Symbol 10: two-byte signed delta.
        case receivedLargeDelta(Int16)

        var symbol: UInt8 {
            switch self {
            case .notReceived: 0
            case .receivedSmallDelta: 1
            case .receivedLargeDelta: 2
            }
        }

        /// The delta in microseconds, or nil for a lost packet.
        public var deltaMicroseconds: Int? {
            switch self {
            case .notReceived: nil
            case .receivedSmallDelta(let ticks): Int(ticks) * 250
            case .receivedLargeDelta(let ticks): Int(ticks) * 250
            }
        }

        /// The smallest symbol that carries `ticks` (250 µs units), or nil when it fits no symbol.
        public static func received(deltaTicks ticks: Int) -> PacketStatus? {
            if let small = UInt8(exactly: ticks) { return .receivedSmallDelta(small) }
            if let large = Int16(exactly: ticks) { return .receivedLargeDelta(large) }
            return nil
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var baseSequenceNumber: UInt16
    /// Signed 24-bit reference time in multiples of 64 ms.
    public var referenceTime: Int32
    public var feedbackPacketCount: UInt8
    /// One status per transport sequence number starting at `baseSequenceNumber`.
    public var packets: [PacketStatus]

    public init(
        senderSSRC: UInt32, mediaSSRC: UInt32, baseSequenceNumber: UInt16, referenceTime: Int32,
        feedbackPacketCount: UInt8, packets: [PacketStatus]
    ) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.baseSequenceNumber = baseSequenceNumber
        self.referenceTime = referenceTime
        self.feedbackPacketCount = feedbackPacketCount
        self.packets = packets
    }

    /// The most statuses one packet can declare (a 16-bit count).
    public static let maxStatuses = Int(UInt16.max)

    /// Nil when malformed or when it declares more than `maxStatuses` statuses (the compound's remaining budget).
    init?(body: ArraySlice<UInt8>, maxStatuses: Int = Self.maxStatuses) {
        var reader = ByteReader(body)
        guard let sender = reader.readUInt32(), let media = reader.readUInt32(), let base = reader.readUInt16(),
            let statusCount = reader.readUInt16(), let reference = reader.readUInt24(),
            let feedbackCount = reader.readUInt8(), Int(statusCount) <= maxStatuses
        else { return nil }
        let total = Int(statusCount)
        var symbols = [UInt8]()
        symbols.reserveCapacity(total + 0x1FFF)
        while symbols.count < total {
            guard let chunk = reader.readUInt16() else { return nil }
            Self.appendSymbols(of: chunk, to: &symbols, limit: total)
        }
        symbols.removeLast(symbols.count - total)
        var packets = [PacketStatus]()
        packets.reserveCapacity(total)
        for symbol in symbols {
            switch symbol {
            case 0: packets.append(.notReceived)
            case 1:
                guard let delta = reader.readUInt8() else { return nil }
                packets.append(.receivedSmallDelta(delta))
            case 2:
                guard let delta = reader.readUInt16() else { return nil }
                packets.append(.receivedLargeDelta(Int16(bitPattern: delta)))
            default:
                return nil // symbol 11 is reserved
            }
        }
        // Whatever follows is zero padding to the 32-bit boundary (§3.1).
        self.init(
            senderSSRC: sender, mediaSSRC: media, baseSequenceNumber: base,
            referenceTime: Int32(bitPattern: reference << 8) >> 8, feedbackPacketCount: feedbackCount,
            packets: packets)
    }

    /// §3.1.3 run-length chunk (T=0) and §3.1.4 status vector chunk (T=1; S=0 → 14 one-bit, S=1 → 7 two-bit).
    static func appendSymbols(of chunk: UInt16, to symbols: inout [UInt8], limit: Int = .max) {
        if chunk & 0x8000 == 0 {
            // A run never adds more than the statuses still expected.
            let symbol = UInt8((chunk >> 13) & 0x03)
            symbols.append(
                contentsOf: repeatElement(symbol, count: min(Int(chunk & 0x1FFF), max(0, limit - symbols.count))))
        } else if chunk & 0x4000 == 0 {
            for bit in stride(from: 13, through: 0, by: -1) { symbols.append(UInt8((chunk >> UInt16(bit)) & 0x01)) }
        } else {
            for pair in stride(from: 6, through: 0, by: -1) {
                symbols.append(UInt8((chunk >> UInt16(2 * pair)) & 0x03))
            }
        }
    }

    /// Greedy chunking: a run-length chunk for runs of 14+ (or the whole tail), else a one-bit vector when the
    /// next 14 symbols are all 0/1, else a two-bit vector of 7.
    static func chunks(for symbols: [UInt8]) -> [UInt16] {
        var chunks = [UInt16]()
        var index = 0
        while index < symbols.count {
            let remaining = symbols.count - index
            var run = 1
            while run < min(remaining, 0x1FFF), symbols[index + run] == symbols[index] { run += 1 }
            if run >= 14 || run == remaining {
                chunks.append(UInt16(symbols[index]) << 13 | UInt16(run))
                index += run
            } else if symbols[index..<index + min(14, remaining)].allSatisfy({ $0 <= 1 }) {
                var chunk: UInt16 = 0x8000
                for offset in 0..<min(14, remaining) { chunk |= UInt16(symbols[index + offset]) << UInt16(13 - offset) }
                chunks.append(chunk)
                index += min(14, remaining)
            } else {
                var chunk: UInt16 = 0xC000
                for offset in 0..<min(7, remaining) {
                    chunk |= UInt16(symbols[index + offset]) << UInt16(12 - 2 * offset)
                }
                chunks.append(chunk)
                index += min(7, remaining)
            }
        }
        return chunks
    }

    func encodeBody(into writer: inout ByteWriter) {
        let statuses = packets.prefix(0xFFFF)
        writer.write(senderSSRC)
        writer.write(mediaSSRC)
        writer.write(baseSequenceNumber)
        writer.write(UInt16(statuses.count))
        let clamped = min(max(referenceTime, -0x80_0000), 0x7F_FFFF)
        writer.writeUInt24(UInt32(bitPattern: clamped) & 0xFF_FFFF)
        writer.write(feedbackPacketCount)
        for chunk in Self.chunks(for: statuses.map(\.symbol)) { writer.write(chunk) }
        for status in statuses {
            switch status {
            case .notReceived: break
            case .receivedSmallDelta(let delta): writer.write(delta)
            case .receivedLargeDelta(let delta): writer.write(UInt16(bitPattern: delta))
            }
        }
    }
}
