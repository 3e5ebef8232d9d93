// `cluster.*`: several parley-server nodes as one service on one PostgreSQL database (docs/configuration.md
// "Cluster"). An empty `cluster.database_url` is one node on SQLite, exactly as without these keys.

import Foundation

extension ParleyConfig {
    /// `cluster.*` — the shared database, this node's identity and its lease length.
    public struct Cluster: Sendable, Equatable {
        /// `""` = one node on SQLite; `postgres://user[:password]@host[:port]/db[?sslmode=…]` = cluster mode.
        public var databaseURL: String
        /// Empty = hostname + `-` + the HTTP port (``nodeID(hostname:port:)``).
        public var nodeID: String
        /// The URL other nodes and redirected clients use to reach this node; empty = not advertised.
        public var advertiseURL: String
        /// Node-to-node authentication; nil = generated and stored in the database on first start.
        public var secret: String?
        /// How long a node's registration and its room leases last without renewal.
        public var leaseTTL: Duration

        public static let defaultLeaseTTL = Duration.seconds(10)

        public init(
            databaseURL: String = "", nodeID: String = "", advertiseURL: String = "", secret: String? = nil,
            leaseTTL: Duration = Cluster.defaultLeaseTTL
        ) {
            self.databaseURL = databaseURL
            self.nodeID = nodeID
            self.advertiseURL = advertiseURL
            self.secret = secret
            self.leaseTTL = leaseTTL
        }

        /// True when a database URL is set: rows live in PostgreSQL and the node joins the cluster.
        public var isEnabled: Bool { !databaseURL.isEmpty }

        /// The parsed `databaseURL` (it was checked at load, so nil means one node or a hand-built config).
        public var database: PostgresURL? { isEnabled ? PostgresURL(parsing: databaseURL) : nil }

        /// `nodeID`, or the contract's default: the host name and the HTTP port.
        public func nodeID(hostname: String, port: Int) -> String {
            nodeID.isEmpty ? "\(hostname)-\(port)" : nodeID
        }
    }
}

/// A `postgres://` connection URL (libpq's URI form, the parts Parley uses): user, password, host, port, database
/// and `sslmode` (`disable`, `prefer`, `require`; libpq's default is `prefer`).
public struct PostgresURL: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    /// Parses the URL; nil when it is not one (``problem(_:)`` says why).
    public init?(parsing text: String) {
        guard case .success(let url) = Self.parse(text) else { return nil }
        self = url
    }

    init(user: String, password: String?, host: String, port: Int, database: String, tls: TLSMode) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
    }

    /// The URL with its password replaced, for logs and `--print-config`.
    public static func masked(_ text: String, with mask: String) -> String {
        guard let components = URLComponents(string: text), components.password != nil else { return text }
        var copy = components
        copy.password = mask
        return copy.string ?? mask
    }

    /// For `TextCheck`: empty is fine (one node), else the URL must parse.
    static func problem(_ text: String) -> String? {
        guard !text.isEmpty else { return nil }
        if case .failure(let reason) = parse(text) {
            return "must be empty or a URL such as \"postgres://parley@127.0.0.1:5432/parley\" (\(reason.text))"
        }
        return nil
    }

    struct Reason: Error {
        let text: String
    }

    static func parse(_ text: String) -> Result<PostgresURL, Reason> {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text) else {
            return .failure(Reason(text: "not a URL"))
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            return .failure(Reason(text: "the scheme must be postgres:// or postgresql://"))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(Reason(text: "no host")) }
        guard let user = components.user, !user.isEmpty else { return .failure(Reason(text: "no user")) }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { return .failure(Reason(text: "port \(port) out of range")) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(Reason(text: "the path must name one database"))
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                return .failure(Reason(text: "unknown parameter '\(item.name)'; only sslmode is read"))
            }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                return .failure(Reason(text: "sslmode must be disable, prefer or require"))
            }
            tls = mode
        }
        // URLComponents keeps IPv6 brackets in `host`; the socket layer wants the bare address.
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return .success(
            PostgresURL(
                user: user.removingPercentEncoding ?? user,
                password: components.password.map { $0.removingPercentEncoding ?? $0 },
                host: bareHost, port: port, database: database.removingPercentEncoding ?? database, tls: tls))
    }
}

/// Lengths of time written as a number of seconds (`10`, `2.5`) or with one unit: `ms`, `s`, `m`, `h` (`1500ms`,
/// `10s`, `2m`). Unlike `jwt.expire` (MiroTalk's `ms` syntax) a bare number is always seconds.
public enum Interval {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !number.isEmpty, number.count <= 12, let value = Double(number), value.isFinite else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        let milliseconds: Double
        switch unit {
        case "ms": milliseconds = value
        case "", "s": milliseconds = value * 1_000
        case "m": milliseconds = value * 60_000
        case "h": milliseconds = value * 3_600_000
        default: return nil
        }
        return .milliseconds(Int64(milliseconds.rounded()))
    }

    /// How a duration is written back: whole seconds as `10s`, anything else in milliseconds.
    public static func render(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000)s" : "\(milliseconds)ms"
    }
}
