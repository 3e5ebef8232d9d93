import Foundation
import ParleyWire

/// How a stream's clock rate was learnt, for the printed guess report.
public enum ClockRateSource: String, Sendable, Codable {
    case manifest
    /// RFC 3551 §6 table of static payload types.
    case staticPayloadType = "static payload type"
    /// RTP timestamp advance against capture time.
    case timing = "guessed from timing"
}

/// The media kind a replayed stream is offered as.
public enum ReplayMediaKind: String, Sendable, Codable {
    case audio, video
}

/// One RTP stream of a capture, ready to replay: its packets in capture order and what is known about it.
public struct ReplayStream: Sendable {
    /// 1-based, in order of first appearance.
    public var index: Int
    public var ssrc: UInt32
    public var payloadType: UInt8
    public var clockRate: Int
    public var clockRateSource: ClockRateSource
    public var kind: ReplayMediaKind
    /// Codec name as far as known ("opus", "VP8", "PCMU", or "unknown").
    public var codec: String
    public var flow: CapturedFlow
    public var packets: [CapturedRTPPacket]
    /// RFC 8285 extension id → URI, from a manifest; empty when unknown (heuristics).
    public var extensionURIs: [UInt8: String] = [:]
    /// Why the stream cannot be replayed ("cannot: encrypted, no keys …", a codec the runner does not offer); nil
    /// when it can.
    public var unreplayableReason: String?
    /// Grouping key: streams with the same key are published in one WHIP session (a manifest's session id, or
    /// the flow for heuristics).
    public var sessionKey: String

    public var caseID: String { "\(index)-\(kind.rawValue)-\(Self.hex(ssrc))" }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// Finds the RTP streams of a capture without a manifest (docs/replay.md "Stream discovery"): RTP version 2,
/// RTCP excluded by packet type (RFC 5761 §4), one SSRC per flow and payload type, a sequence that mostly moves
/// forward by small steps, and enough packets; the clock rate comes from the static payload type table
/// (RFC 3551 §6) or from how fast the RTP timestamp advances against capture time.
public struct RTPStreamDiscovery: Sendable {
    /// Fewer packets than this is noise, not a stream.
    public var minimumPackets = 8
    /// Share of consecutive packets whose sequence steps forward by 1…`maximumStep` (RFC 3550 A.1's spirit).
    public var minimumMonotoneShare = 0.9
    public var maximumStep: UInt16 = 100
    /// Share of a stream's packets its most common payload type must have.
    public var minimumDominantShare = 0.9

    public init() {}

    /// Every SSRC on every flow is a stream: a manifest says which are real, the rules here would only get in
    /// the way (a short capture, a lossy one).
    public static let permissive: RTPStreamDiscovery = {
        var discovery = RTPStreamDiscovery()
        discovery.minimumPackets = 1
        discovery.minimumMonotoneShare = 0
        discovery.minimumDominantShare = 0
        return discovery
    }()

    public struct Result: Sendable {
        public var streams: [ReplayStream]
        /// One line per decision: streams found, candidates rejected and why, packets left out.
        public var notes: [String]
    }

    /// RFC 3551 §6 Table 4/5: static payload types with a fixed clock rate.
    static let staticPayloadTypes: [UInt8: (codec: String, rate: Int, kind: ReplayMediaKind)] = [
        0: ("PCMU", 8_000, .audio), 3: ("GSM", 8_000, .audio), 4: ("G723", 8_000, .audio), 8: ("PCMA", 8_000, .audio),
        9: ("G722", 8_000, .audio), 10: ("L16", 44_100, .audio), 11: ("L16", 44_100, .audio),
        18: ("G729", 8_000, .audio), 26: ("JPEG", 90_000, .video), 31: ("H261", 90_000, .video),
        32: ("MPV", 90_000, .video), 34: ("H263", 90_000, .video),
    ]

    /// Clock rates a dynamic payload type is matched to (RFC 3551 §4.5 audio rates; 90 kHz for video).
    static let commonClockRates = [8_000, 16_000, 24_000, 32_000, 44_100, 48_000, 90_000]

    struct Key: Hashable {
        var flow: CapturedFlow
        var ssrc: UInt32
    }

    public func discover(_ records: [PcapRecord]) -> Result {
        var notes: [String] = []
        var order: [Key] = []
        var packets: [Key: [CapturedRTPPacket]] = [:]
        var rtcp = 0
        var dtlsFlows = Set<CapturedFlow>()
        var nonUDP = 0
        for record in records {
            guard let datagram = record.udpDatagram else {
                nonUDP += 1
                continue
            }
            let flow = CapturedFlow(
                source: STUNAddress(ip: datagram.sourceAddress, port: datagram.sourcePort),
                destination: STUNAddress(ip: datagram.destinationAddress, port: datagram.destinationPort))
            switch DatagramKind(datagram.payload) {
            case .rtcp: rtcp += 1
            case .dtls: dtlsFlows.insert(flow)
            case .rtp:
                guard let header = try? RTPHeaderView(parsing: datagram.payload) else { continue }
                let key = Key(flow: flow, ssrc: header.ssrc)
                if packets[key] == nil { order.append(key) }
                packets[key, default: []].append(
                    CapturedRTPPacket(
                        capturedAt: record.timestamp.totalMicroseconds, flow: flow, bytes: datagram.payload,
                        header: header))
            case .stun, .other: break
            }
        }
        if nonUDP > 0 { notes.append("\(nonUDP) records are not whole UDP datagrams (left to the HTTP/TCP path)") }
        if rtcp > 0 { notes.append("\(rtcp) RTCP packets excluded (RFC 5761 §4 packet types 192–223)") }

        var streams: [ReplayStream] = []
        for key in order {
            guard let found = packets[key] else { continue }
            let label = "SSRC \(ReplayStream.hex(key.ssrc)) on \(key.flow)"
            guard found.count >= minimumPackets else {
                notes.append("\(label): \(found.count) packets, fewer than \(minimumPackets): not a stream")
                continue
            }
            // The dominant payload type is the stream; a few others under the same SSRC are dropped and counted.
            var byType: [UInt8: Int] = [:]
            for packet in found { byType[packet.payloadType, default: 0] += 1 }
            let (payloadType, count) = byType.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
            guard Double(count) >= minimumDominantShare * Double(found.count) else {
                let types = byType.keys.sorted().map(String.init).joined(separator: ",")
                notes.append("\(label): payload types \(types) mixed, no dominant one: not replayed")
                continue
            }
            let kept = found.filter { $0.payloadType == payloadType }
            if kept.count < found.count {
                notes.append("\(label): \(found.count - kept.count) packets of other payload types left out")
            }
            let share = Self.monotoneShare(kept, maximumStep: maximumStep)
            guard share >= minimumMonotoneShare else {
                notes.append(
                    "\(label): sequence numbers move forward in \(Int(share * 100)) % of steps (need \(Int(minimumMonotoneShare * 100)) %): not RTP"
                )
                continue
            }
            var stream = ReplayStream(
                index: streams.count + 1, ssrc: key.ssrc, payloadType: payloadType, clockRate: 0,
                clockRateSource: .timing, kind: .audio, codec: "unknown", flow: key.flow, packets: kept,
                sessionKey: "\(key.flow)")
            if let known = Self.staticPayloadTypes[payloadType] {
                stream.clockRate = known.rate
                stream.clockRateSource = .staticPayloadType
                stream.kind = known.kind
                stream.codec = known.codec
            } else if let rate = Self.guessClockRate(kept) {
                stream.clockRate = rate
                stream.kind = rate == 90_000 ? .video : .audio
                // RFC 7587 §4.1: Opus always runs a 48 kHz RTP clock; VP8/H264 are told apart by a manifest only.
                stream.codec = rate == 48_000 ? "opus" : "unknown"
            } else if minimumPackets > 1 {
                notes.append("\(label): the RTP timestamp does not advance with capture time: clock rate unknown")
                continue
            }
            let reverse = CapturedFlow(source: key.flow.destination, destination: key.flow.source)
            if dtlsFlows.contains(key.flow) || dtlsFlows.contains(reverse) {
                stream.unreplayableReason =
                    "cannot: encrypted, no keys (DTLS on the same flow: the RTP is SRTP-protected; --srtp-key opens it)"
            }
            notes.append(
                "stream \(stream.index): \(label), PT \(payloadType), \(kept.count) packets, \(stream.kind.rawValue) "
                    + "\(stream.codec) at \(stream.clockRate) Hz (\(stream.clockRateSource.rawValue))")
            streams.append(stream)
        }
        if streams.isEmpty { notes.append("no RTP stream found") }
        return Result(streams: streams, notes: notes)
    }

    /// Share of consecutive packets whose sequence number steps forward by 1…maximumStep (mod 2^16).
    static func monotoneShare(_ packets: [CapturedRTPPacket], maximumStep: UInt16) -> Double {
        guard packets.count > 1 else { return 1 }
        var forward = 0
        for (previous, next) in zip(packets, packets.dropFirst()) {
            let step = next.sequenceNumber &- previous.sequenceNumber
            if step >= 1 && step <= maximumStep { forward += 1 }
        }
        return Double(forward) / Double(packets.count - 1)
    }

    /// RTP timestamp units per second of capture time, snapped to the nearest common rate (within 15 %); nil when
    /// the capture is too short or the timestamp does not advance.
    static func guessClockRate(_ packets: [CapturedRTPPacket]) -> Int? {
        guard let first = packets.first, let last = packets.last else { return nil }
        let elapsed = Double(last.capturedAt - first.capturedAt) / 1e6
        guard elapsed >= 0.05 else { return nil }
        // Unwrap the 32-bit timestamp through the stream (steps below 2^31 are forward).
        var units: Int64 = 0
        for (previous, next) in zip(packets, packets.dropFirst()) {
            let step = next.timestamp &- previous.timestamp
            units += step < 0x8000_0000 ? Int64(step) : -Int64(previous.timestamp &- next.timestamp)
        }
        let rate = Double(units) / elapsed
        guard rate > 0 else { return nil }
        let nearest = commonClockRates.min { abs(log(Double($0) / rate)) < abs(log(Double($1) / rate)) }!
        return abs(log(Double(nearest) / rate)) < log(1.15) ? nearest : nil
    }
}
