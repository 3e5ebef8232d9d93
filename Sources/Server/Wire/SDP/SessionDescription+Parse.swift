extension SessionDescription {
    /// Parses a complete session description (RFC 8866 §5 line order: v, o, s, [i], ..., [c], b*, t, ..., a*, m*)
    /// within `limits`; the work is linear in the text's length.
    public static func parse(_ text: String, limits: SDPLimits = .standard) throws(SDPError) -> SessionDescription {
        let lines = try SDPLine.split(text, limits: limits)
        var index = 0
        func next(_ type: Character, _ name: String) throws(SDPError) -> SDPLine {
            guard index < lines.count else {
                throw SDPError(line: lines.count + 1, reason: "missing \(type)= (\(name)) line")
            }
            let line = lines[index]
            guard line.type == type else {
                throw SDPError(line: line.number, reason: "expected \(type)= (\(name)), got \(line.type)=")
            }
            index += 1
            return line
        }
        let versionLine = try next("v", "version")
        guard versionLine.value == "0" else {
            throw SDPError(line: versionLine.number, reason: "unsupported SDP version \"\(versionLine.value)\"")
        }
        let originLine = try next("o", "origin")
        let origin = try field(originLine) { value throws(SDPFieldError) in try parseOrigin(value) }
        let nameLine = try next("s", "session name")
        var session = SessionDescription(origin: origin, sessionName: String(nameLine.value))
        var sawTiming = false
        var budget = SDPAttributeBudget(limits, scope: "the session level")
        while index < lines.count, lines[index].type != "m" {
            let line = lines[index]
            index += 1
            switch line.type {
            case "i": session.information = String(line.value)
            case "c": session.connection = try field(line) { value throws(SDPFieldError) in try parseConnection(value) }
            case "b":
                session.bandwidths.append(try field(line) { value throws(SDPFieldError) in try parseBandwidth(value) })
            case "t":
                let timing = try field(line) { value throws(SDPFieldError) in try parseTiming(value) }
                if !sawTiming { session.timing = timing }
                sawTiming = true
            case "a":
                let attribute = try field(line) { value throws(SDPFieldError) in try SDPAttribute.parse(value) }
                try budget.count(attribute, line: line.number)
                session.attributes.append(attribute)
            case "u", "e", "p", "r", "z", "k":
                session.otherLines.append(SDPOtherLine(type: line.type, value: String(line.value)))
            default: throw SDPError(line: line.number, reason: "\(line.type)= is not allowed at session level")
            }
        }
        guard sawTiming else {
            throw SDPError(
                line: index < lines.count ? lines[index].number : lines.count + 1, reason: "missing t= (timing) line")
        }
        while index < lines.count {
            session.media.append(try parseMedia(lines, &index, limits: limits, sectionIndex: session.media.count))
        }
        return session
    }

    /// Parses one m= section starting at `lines[index]`, leaving `index` at the next m= line.
    static func parseMedia(_ lines: [SDPLine], _ index: inout Int, limits: SDPLimits, sectionIndex: Int)
        throws(SDPError) -> MediaDescription
    {
        let mediaLine = lines[index]
        index += 1
        guard sectionIndex < limits.maxMediaSections else {
            throw SDPError(
                line: mediaLine.number, reason: "more than \(limits.maxMediaSections) m= sections",
                kind: .tooLarge)
        }
        var media = try field(mediaLine) { value throws(SDPFieldError) in try parseMediaLine(value) }
        guard media.formats.count <= limits.maxFormatsPerSection else {
            throw SDPError(
                line: mediaLine.number,
                reason: "m= lists \(media.formats.count) formats; at most \(limits.maxFormatsPerSection)",
                kind: .tooLarge)
        }
        var budget = SDPAttributeBudget(limits, scope: "m= section \(sectionIndex + 1)")
        while index < lines.count, lines[index].type != "m" {
            let line = lines[index]
            index += 1
            switch line.type {
            case "i": media.information = String(line.value)
            case "c": media.connection = try field(line) { value throws(SDPFieldError) in try parseConnection(value) }
            case "b":
                media.bandwidths.append(try field(line) { value throws(SDPFieldError) in try parseBandwidth(value) })
            case "a":
                let attribute = try field(line) { value throws(SDPFieldError) in try SDPAttribute.parse(value) }
                try budget.count(attribute, line: line.number)
                media.attributes.append(attribute)
            case "k": media.otherLines.append(SDPOtherLine(type: line.type, value: String(line.value)))
            default: throw SDPError(line: line.number, reason: "\(line.type)= is not allowed in a media section")
            }
        }
        return media
    }

    /// Runs a field parser and attaches the line number to its error.
    static func field<T>(_ line: SDPLine, _ parse: (Substring) throws(SDPFieldError) -> T) throws(SDPError) -> T {
        do {
            return try parse(line.value)
        } catch {
            throw SDPError(line: line.number, reason: error.reason)
        }
    }

    static func parseOrigin(_ value: Substring) throws(SDPFieldError) -> SDPOrigin {
        let parts = value.tokens
        guard parts.count == 6 else { throw SDPFieldError("o= needs 6 fields, got \(parts.count)") }
        guard parts[1].allSatisfy(\.isASCIIDigit), !parts[1].isEmpty else {
            throw SDPFieldError("o= session id is not numeric")
        }
        return SDPOrigin(
            username: String(parts[0]), sessionID: String(parts[1]),
            sessionVersion: try parseInteger(parts[2], "o= session version"), networkType: String(parts[3]),
            addressType: String(parts[4]), address: String(parts[5]))
    }

    static func parseConnection(_ value: Substring) throws(SDPFieldError) -> SDPConnection {
        let parts = value.tokens
        guard parts.count == 3 else { throw SDPFieldError("c= needs \"<nettype> <addrtype> <address>\"") }
        return SDPConnection(networkType: String(parts[0]), addressType: String(parts[1]), address: String(parts[2]))
    }

    static func parseBandwidth(_ value: Substring) throws(SDPFieldError) -> SDPBandwidth {
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else {
            throw SDPFieldError("b= needs \"<type>:<value>\"")
        }
        return SDPBandwidth(
            type: String(value[..<colon]),
            value: try parseInteger(value[value.index(after: colon)...], "b= bandwidth"))
    }

    static func parseTiming(_ value: Substring) throws(SDPFieldError) -> (start: UInt64, stop: UInt64) {
        let parts = value.tokens
        guard parts.count == 2 else { throw SDPFieldError("t= needs \"<start> <stop>\"") }
        return (try parseInteger(parts[0], "t= start"), try parseInteger(parts[1], "t= stop"))
    }

    static func parseMediaLine(_ value: Substring) throws(SDPFieldError) -> MediaDescription {
        let parts = value.tokens
        guard parts.count >= 4 else { throw SDPFieldError("m= needs \"<media> <port> <proto> <fmt> ...\"") }
        let portParts = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard portParts.count <= 2 else { throw SDPFieldError("m= port has more than one \"/\"") }
        let port = try parseInteger(portParts[0], "m= port", as: UInt16.self)
        let count = portParts.count == 2 ? try parseInteger(portParts[1], "m= port count", as: Int.self) : nil
        return MediaDescription(
            kind: String(parts[0]), port: port, portCount: count, proto: String(parts[2]),
            formats: parts[3...].map(String.init))
    }
}
