/// RFC 6184 (non-interleaved mode, §6.3): access units from RTP payloads, as AVCC samples (each NAL unit behind a
/// 4-byte big-endian length, ISO/IEC 14496-15 §5.3.2). Single NAL unit packets (§5.6), STAP-A (§5.7.1) and FU-A
/// (§5.8); an access unit is the NAL units of one timestamp up to the marker (§5.1). An access unit with a missing
/// packet is dropped, and after any loss nothing is kept until the next IDR.
enum H264Depacketizer {
    static let typeSTAPA: UInt8 = 24
    static let typeFUA: UInt8 = 28
    static let typeIDR: UInt8 = 5
    static let typeSPS: UInt8 = 7
    static let typePPS: UInt8 = 8
    static let typeAUD: UInt8 = 9

    /// The NAL units in one RTP payload; nil for a malformed or unsupported one. A FU-A fragment comes back as
    /// `.fragment` for the caller to join.
    enum Payload: Sendable, Hashable {
        case units([[UInt8]])
        /// FU-A (§5.8): the reconstructed NAL header, whether this is the first/last fragment, the bytes.
        case fragment(header: UInt8, start: Bool, end: Bool, data: ArraySlice<UInt8>)
    }

    static func parse(_ payload: [UInt8]) -> Payload? {
        guard let first = payload.first else { return nil }
        let type = first & 0x1F
        switch type {
        case 1...23:
            return .units([payload])
        case typeSTAPA:
            // §5.7.1: after the STAP-A header, repeated 16-bit size + NAL unit.
            var units: [[UInt8]] = []
            var offset = 1
            while offset < payload.count {
                guard offset + 2 <= payload.count else { return nil }
                let size = Int(payload[offset]) << 8 | Int(payload[offset + 1])
                offset += 2
                guard size > 0, offset + size <= payload.count else { return nil }
                units.append(Array(payload[offset..<offset + size]))
                offset += size
            }
            return units.isEmpty ? nil : .units(units)
        case typeFUA:
            // §5.8: FU indicator (F, NRI), FU header (S, E, R, type); the NAL header is F|NRI of the one, type of the other.
            guard payload.count > 2 else { return nil }
            let header = payload[1]
            let start = header & 0x80 != 0
            let end = header & 0x40 != 0
            guard !(start && end) else { return nil }
            return .fragment(header: first & 0xE0 | header & 0x1F, start: start, end: end, data: payload[2...])
        default:
            // STAP-B, MTAP and FU-B belong to the interleaved mode; 0 and 30-31 are undefined (§5.2).
            return nil
        }
    }

    static func samples(from packets: [OrderedRTPPacket]) -> (samples: [MediaSample], configuration: H264Configuration?)
    {
        var samples: [MediaSample] = []
        var configuration: H264Configuration?
        var sps: [UInt8]?
        var pps: [UInt8]?
        var units: [[UInt8]] = []
        var fragment: [UInt8]?
        var unitTimestamp: Int64?
        var unitArrival: Int64 = 0
        var broken = false
        var needKeyframe = true
        var expectedSequence: Int64?

        func noteParameterSet(_ unit: [UInt8]) {
            switch unit[0] & 0x1F {
            case typeSPS where sps == nil: sps = unit
            case typePPS where pps == nil: pps = unit
            default: break
            }
        }

        func finish() {
            defer {
                units = []
                fragment = nil
                unitTimestamp = nil
                broken = false
            }
            guard let timestamp = unitTimestamp, !broken, fragment == nil, !units.isEmpty else {
                if unitTimestamp != nil { needKeyframe = true }
                return
            }
            let isKeyframe = units.contains { $0[0] & 0x1F == typeIDR }
            if needKeyframe && !isKeyframe { return }
            if let last = samples.last, timestamp <= last.timestamp { return }
            needKeyframe = false
            var data: [UInt8] = []
            for unit in units where unit[0] & 0x1F != typeAUD {
                let length = UInt32(unit.count)
                data += [
                    UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
                ]
                data += unit
            }
            if configuration == nil, let sps, let pps {
                configuration = H264Configuration(sequenceParameterSet: sps, pictureParameterSet: pps)
            }
            samples.append(
                MediaSample(timestamp: timestamp, data: data, isKeyframe: isKeyframe, arrivalMicros: unitArrival))
        }

        for packet in packets {
            if let expected = expectedSequence, packet.extendedSequence != expected { broken = true }
            expectedSequence = packet.extendedSequence + 1
            if let timestamp = unitTimestamp, timestamp != packet.extendedTimestamp {
                // A new timestamp without the marker before it: the previous access unit lost its end.
                broken = true
                finish()
            }
            if packet.payload.isEmpty { continue }
            if unitTimestamp == nil {
                unitTimestamp = packet.extendedTimestamp
                unitArrival = packet.arrivalMicros
            }
            switch parse(packet.payload) {
            case .units(let parsed)?:
                if fragment != nil { broken = true }
                units += parsed
                parsed.forEach(noteParameterSet)
            case .fragment(let header, let start, let end, let data)?:
                if start {
                    if fragment != nil { broken = true }
                    fragment = [header] + data
                } else if fragment != nil {
                    fragment! += data
                } else {
                    broken = true
                }
                if end, let whole = fragment {
                    units.append(whole)
                    noteParameterSet(whole)
                    fragment = nil
                }
            case nil:
                broken = true
            }
            if packet.marker { finish() }
        }
        if unitTimestamp != nil {
            broken = true // the capture ended inside an access unit
            finish()
        }
        return (samples, configuration)
    }
}
