/// RFC 8839 §5.1 candidate attribute:
/// `<foundation> <component-id> <transport> <priority> <address> <port> typ <type> [raddr <a>] [rport <p>]
///  *(<extension-name> <extension-value>)`.
public struct ICECandidate: Hashable, Sendable {
    public struct Extension: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var foundation: String
    public var component: UInt16
    /// "udp" or "tcp" as written (RFC 8839 says case-insensitive).
    public var transport: String
    public var priority: UInt32
    /// IPv4/IPv6 literal or an FQDN (Chrome: mDNS `<uuid>.local`).
    public var address: String
    public var port: UInt16
    /// host, srflx, prflx, relay (or a future token).
    public var type: String
    public var relatedAddress: String?
    public var relatedPort: UInt16?
    /// RFC 6544 §4.5 active/passive/so for TCP candidates.
    public var tcpType: String?
    /// Non-standard but sent by Chrome and Pion.
    public var generation: Int?
    /// Other extension attributes (ufrag, network-id, network-cost, …) in their order.
    public var extensions: [Extension]

    public init(
        foundation: String, component: UInt16 = 1, transport: String = "udp", priority: UInt32,
        address: String, port: UInt16, type: String = "host", relatedAddress: String? = nil,
        relatedPort: UInt16? = nil, tcpType: String? = nil, generation: Int? = nil, extensions: [Extension] = []
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.tcpType = tcpType
        self.generation = generation
        self.extensions = extensions
    }

    /// Parses the attribute value, with or without the "candidate:" prefix the JavaScript API uses.
    public init(parsing text: String) throws(SDPError) {
        do {
            try self.init(value: Substring(text))
        } catch {
            throw SDPError(line: 1, reason: error.reason)
        }
    }

    init(value text: Substring) throws(SDPFieldError) {
        var value = text.trimmingSpaces
        if value.hasPrefix("candidate:") { value = value.dropFirst("candidate:".count) }
        let parts = value.tokens
        guard parts.count >= 8, parts[6] == "typ" else {
            throw SDPFieldError(
                "candidate needs \"<foundation> <component> <transport> <priority> <address> <port> typ <type>\"")
        }
        guard (1...32).contains(parts[0].count) else {
            throw SDPFieldError("candidate foundation must be 1-32 characters")
        }
        let component = try parseInteger(parts[1], "candidate component", as: UInt16.self)
        guard (1...256).contains(component) else { throw SDPFieldError("candidate component outside 1-256") }
        let priority = try parseInteger(parts[3], "candidate priority", as: UInt32.self)
        let port = try parseInteger(parts[5], "candidate port", as: UInt16.self)
        self.init(
            foundation: String(parts[0]), component: component, transport: String(parts[2]), priority: priority,
            address: String(parts[4]), port: port, type: String(parts[7]))
        var rest = parts[8...]
        guard rest.count % 2 == 0 else {
            throw SDPFieldError("candidate extension \"\(rest.last ?? "")\" has no value")
        }
        while let name = rest.popFirst(), let value = rest.popFirst() {
            switch name {
            case "raddr": relatedAddress = String(value)
            case "rport": relatedPort = try parseInteger(value, "candidate rport", as: UInt16.self)
            case "tcptype": tcpType = String(value)
            case "generation": generation = try parseInteger(value, "candidate generation", as: Int.self)
            default: extensions.append(Extension(name: String(name), value: String(value)))
            }
        }
    }

    /// The attribute value (without "candidate:").
    public var sdpValue: String {
        var parts = [foundation, String(component), transport, String(priority), address, String(port), "typ", type]
        if let relatedAddress { parts += ["raddr", relatedAddress] }
        if let relatedPort { parts += ["rport", String(relatedPort)] }
        if let tcpType { parts += ["tcptype", tcpType] }
        if let generation { parts += ["generation", String(generation)] }
        for item in extensions { parts += [item.name, item.value] }
        return parts.joined(separator: " ")
    }

    /// RFC 8445 §5.1.2.1 priority: (2^24)·type preference + (2^8)·local preference + (256 − component).
    public static func priority(typePreference: UInt32, localPreference: UInt32, component: UInt32) -> UInt32 {
        (typePreference & 0x7F) << 24 | (localPreference & 0xFFFF) << 8 | (256 - min(max(component, 1), 256)) & 0xFF
    }
}
