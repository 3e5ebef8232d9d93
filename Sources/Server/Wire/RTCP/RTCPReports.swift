/// RFC 3550 §6.4.1 report block (24 bytes).
public struct RTCPReportBlock: Hashable, Sendable {
    public var ssrc: UInt32
    /// Fixed-point fraction of packets lost since the last report (lost/expected × 256).
    public var fractionLost: UInt8
    /// Signed 24-bit cumulative number of packets lost (negative with duplicates).
    public var cumulativeLost: Int32
    public var extendedHighestSequence: UInt32
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received from this source.
    public var lastSenderReport: UInt32
    /// In units of 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequence: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    static func read(_ reader: inout ByteReader) -> RTCPReportBlock? {
        guard let ssrc = reader.readUInt32(), let fraction = reader.readUInt8(), let lost = reader.readUInt24(),
            let highest = reader.readUInt32(), let jitter = reader.readUInt32(), let lsr = reader.readUInt32(),
            let dlsr = reader.readUInt32()
        else { return nil }
        // Sign-extend the 24-bit two's-complement count.
        let signed = Int32(bitPattern: lost << 8) >> 8
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: signed, extendedHighestSequence: highest,
            jitter: jitter, lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
    }

    func write(into writer: inout ByteWriter) {
        writer.write(ssrc)
        writer.write(fractionLost)
        let clamped = min(max(cumulativeLost, -0x80_0000), 0x7F_FFFF)
        writer.writeUInt24(UInt32(bitPattern: clamped) & 0xFF_FFFF)
        writer.write(extendedHighestSequence)
        writer.write(jitter)
        writer.write(lastSenderReport)
        writer.write(delaySinceLastSenderReport)
    }
}

/// RFC 3550 §6.4.1 SR.
public struct RTCPSenderReport: Hashable, Sendable {
    public var ssrc: UInt32
    /// 64-bit NTP timestamp (seconds since 1900 in the high word, fraction in the low word).
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    public var reports: [RTCPReportBlock]
    /// Profile-specific extension bytes after the report blocks, kept verbatim.
    public var profileExtension: [UInt8]

    public init(
        ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtension = profileExtension
    }

    init?(count: UInt8, body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let ssrc = reader.readUInt32(), let ntp = reader.readUInt64(), let rtp = reader.readUInt32(),
            let packets = reader.readUInt32(), let octets = reader.readUInt32()
        else { return nil }
        var reports = [RTCPReportBlock]()
        for _ in 0..<count {
            guard let block = RTCPReportBlock.read(&reader) else { return nil }
            reports.append(block)
        }
        self.init(
            ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: rtp, packetCount: packets, octetCount: octets,
            reports: reports, profileExtension: Array(reader.readRest()))
    }

    func encodeBody(into writer: inout ByteWriter) {
        writer.write(ssrc)
        writer.write(ntpTimestamp)
        writer.write(rtpTimestamp)
        writer.write(packetCount)
        writer.write(octetCount)
        for block in reports.prefix(31) { block.write(into: &writer) }
        writer.write(bytes: profileExtension)
    }
}

/// RFC 3550 §6.4.2 RR.
public struct RTCPReceiverReport: Hashable, Sendable {
    public var ssrc: UInt32
    public var reports: [RTCPReportBlock]
    public var profileExtension: [UInt8]

    public init(ssrc: UInt32, reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtension = profileExtension
    }

    init?(count: UInt8, body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        guard let ssrc = reader.readUInt32() else { return nil }
        var reports = [RTCPReportBlock]()
        for _ in 0..<count {
            guard let block = RTCPReportBlock.read(&reader) else { return nil }
            reports.append(block)
        }
        self.init(ssrc: ssrc, reports: reports, profileExtension: Array(reader.readRest()))
    }

    func encodeBody(into writer: inout ByteWriter) {
        writer.write(ssrc)
        for block in reports.prefix(31) { block.write(into: &writer) }
        writer.write(bytes: profileExtension)
    }
}
