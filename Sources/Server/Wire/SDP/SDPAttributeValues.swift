/// RFC 8122 §5 `a=fingerprint:<hash-func> <XX:XX:...>`.
public struct SDPFingerprint: Hashable, Sendable {
    public var hashFunction: String
    public var bytes: [UInt8]

    public init(hashFunction: String, bytes: [UInt8]) {
        self.hashFunction = hashFunction
        self.bytes = bytes
    }

    init(parsing value: Substring) throws(SDPFieldError) {
        let parts = value.tokens
        guard parts.count == 2 else { throw SDPFieldError("fingerprint needs \"<hash> <hex:hex:...>\"") }
        var bytes = [UInt8]()
        for pair in parts[1].split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.count == 2, let byte = UInt8(pair, radix: 16) else {
                throw SDPFieldError("fingerprint digest is not colon-separated hex pairs")
            }
            bytes.append(byte)
        }
        self.init(hashFunction: parts[0].lowercased(), bytes: bytes)
    }

    /// Upper-case colon-separated hex, as RFC 8122 §5 and Chrome write it.
    public var hexValue: String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]]) }.joined(separator: ":")
    }

    var sdpValue: String { "\(hashFunction) \(hexValue)" }
}

/// RFC 4145 §4 / RFC 8842 §5.1 DTLS role.
public enum SDPSetupRole: String, Hashable, Sendable {
    case active, passive, actpass, holdconn
}

/// RFC 8866 §6.7 media direction.
public enum SDPDirection: String, Hashable, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive
}

/// RFC 8866 §6.6 `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]`.
public struct SDPRTPMap: Hashable, Sendable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: UInt32
    public var channels: Int?

    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    init(parsing value: Substring) throws(SDPFieldError) {
        let parts = value.tokens
        guard parts.count == 2 else { throw SDPFieldError("rtpmap needs \"<pt> <encoding>/<clock rate>\"") }
        let payloadType = try parseInteger(parts[0], "rtpmap payload type", as: UInt8.self)
        guard payloadType < 128 else { throw SDPFieldError("rtpmap payload type above 127") }
        let codec = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard (2...3).contains(codec.count), !codec[0].isEmpty else {
            throw SDPFieldError("rtpmap encoding is not name/rate")
        }
        let rate = try parseInteger(codec[1], "rtpmap clock rate", as: UInt32.self)
        let channels = codec.count == 3 ? try parseInteger(codec[2], "rtpmap channels", as: Int.self) : nil
        self.init(payloadType: payloadType, encodingName: String(codec[0]), clockRate: rate, channels: channels)
    }

    var sdpValue: String {
        "\(payloadType) \(encodingName)/\(clockRate)" + (channels.map { "/\($0)" } ?? "")
    }
}

/// RFC 4585 §4.2 `a=rtcp-fb:<pt|*> <type> [<parameter>]`.
public struct SDPRTCPFeedback: Hashable, Sendable {
    /// nil means "*" (every payload type).
    public var payloadType: UInt8?
    public var type: String
    public var parameter: String?

    public init(payloadType: UInt8?, type: String, parameter: String? = nil) {
        self.payloadType = payloadType
        self.type = type
        self.parameter = parameter
    }

    init(parsing value: Substring) throws(SDPFieldError) {
        let parts = value.tokens
        guard parts.count >= 2 else { throw SDPFieldError("rtcp-fb needs \"<pt> <type>\"") }
        let payloadType: UInt8? =
            parts[0] == "*" ? nil : try parseInteger(parts[0], "rtcp-fb payload type", as: UInt8.self)
        let parameter = parts.count > 2 ? parts[2...].joined(separator: " ") : nil
        self.init(payloadType: payloadType, type: String(parts[1]), parameter: parameter)
    }

    var sdpValue: String {
        (payloadType.map(String.init) ?? "*") + " " + type + (parameter.map { " " + $0 } ?? "")
    }
}

/// RFC 8285 §8 `a=extmap:<id>[/<direction>] <uri> [<attributes>]`.
public struct SDPExtmap: Hashable, Sendable {
    public var id: UInt16
    public var direction: SDPDirection?
    public var uri: String
    public var attributes: String?

    public init(id: UInt16, direction: SDPDirection? = nil, uri: String, attributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.attributes = attributes
    }

    init(parsing value: Substring) throws(SDPFieldError) {
        let parts = value.tokens
        guard parts.count >= 2 else { throw SDPFieldError("extmap needs \"<id> <uri>\"") }
        let idAndDirection = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        let id = try parseInteger(idAndDirection[0], "extmap id", as: UInt16.self)
        guard (1...4095).contains(id) else { throw SDPFieldError("extmap id outside 1-4095") }
        var direction: SDPDirection?
        if idAndDirection.count == 2 {
            guard let parsed = SDPDirection(rawValue: String(idAndDirection[1])) else {
                throw SDPFieldError("extmap direction \"\(idAndDirection[1])\" is unknown")
            }
            direction = parsed
        } else if idAndDirection.count > 2 {
            throw SDPFieldError("extmap id has more than one \"/\"")
        }
        let attributes = parts.count > 2 ? parts[2...].joined(separator: " ") : nil
        self.init(id: id, direction: direction, uri: String(parts[1]), attributes: attributes)
    }

    var sdpValue: String {
        "\(id)" + (direction.map { "/\($0.rawValue)" } ?? "") + " " + uri + (attributes.map { " " + $0 } ?? "")
    }
}

/// RFC 8851 §4 `a=rid:<id> <send|recv> [<restrictions>]`.
public struct SDPRid: Hashable, Sendable {
    public var id: String
    public var direction: String
    public var restrictions: String?

    public init(id: String, direction: String, restrictions: String? = nil) {
        self.id = id
        self.direction = direction
        self.restrictions = restrictions
    }

    init(parsing value: Substring) throws(SDPFieldError) {
        let parts = value.tokens
        guard parts.count >= 2, parts[1] == "send" || parts[1] == "recv" else {
            throw SDPFieldError("rid needs \"<id> send|recv\"")
        }
        self.init(
            id: String(parts[0]), direction: String(parts[1]),
            restrictions: parts.count > 2 ? parts[2...].joined(separator: " ") : nil)
    }

    var sdpValue: String { "\(id) \(direction)" + (restrictions.map { " " + $0 } ?? "") }
}

/// RFC 8853 §5.1 `a=simulcast:` (read-only use): streams in order, each a list of alternative rids.
public struct SDPSimulcast: Hashable, Sendable {
    public struct Stream: Hashable, Sendable {
        public var rid: String
        /// "~" prefix: the stream starts paused.
        public var paused: Bool
    }

    public var send: [[Stream]]
    public var receive: [[Stream]]

    init(parsing value: Substring) throws(SDPFieldError) {
        let parts = value.tokens
        guard parts.count == 2 || parts.count == 4 else {
            throw SDPFieldError("simulcast needs \"send|recv <streams>\"")
        }
        var send = [[Stream]](), receive = [[Stream]]()
        for index in stride(from: 0, to: parts.count, by: 2) {
            let streams = parts[index + 1].split(separator: ";").map { alternatives in
                alternatives.split(separator: ",").map { rid in
                    rid.first == "~"
                        ? Stream(rid: String(rid.dropFirst()), paused: true) : Stream(rid: String(rid), paused: false)
                }
            }
            switch parts[index] {
            case "send": send = streams
            case "recv": receive = streams
            default: throw SDPFieldError("simulcast direction \"\(parts[index])\" is not send/recv")
            }
        }
        self.send = send
        self.receive = receive
    }
}
