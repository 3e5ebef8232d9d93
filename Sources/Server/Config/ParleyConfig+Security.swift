// Credential-related sections: the MiroTalk REST key and token secret, the Monibuca admin login, stream signatures.

extension ParleyConfig {
    /// `api.*`: the MiroTalk REST API (`/api/v1/*`).
    public struct API: Sendable, Equatable {
        /// The raw `authorization` header value MiroTalk clients send. `nil` = generated at first start.
        public var keySecret: String?
        public var allowed: Allowed

        public init(keySecret: String? = nil, allowed: Allowed = Allowed()) {
            self.keySecret = keySecret
            self.allowed = allowed
        }
    }

    /// `api.allowed.*`: which MiroTalk endpoints answer; defaults are MiroTalk's own.
    public struct Allowed: Sendable, Equatable {
        public var stats: Bool
        public var meetings: Bool
        public var meeting: Bool
        public var meetingEnd: Bool
        public var join: Bool
        public var token: Bool
        public var activeRooms: Bool

        public init(
            stats: Bool = true, meetings: Bool = false, meeting: Bool = true, meetingEnd: Bool = false,
            join: Bool = true, token: Bool = false, activeRooms: Bool = false
        ) {
            self.stats = stats
            self.meetings = meetings
            self.meeting = meeting
            self.meetingEnd = meetingEnd
            self.join = join
            self.token = token
            self.activeRooms = activeRooms
        }
    }

    /// `jwt.*`: signs the MiroTalk tokens of `/api/v1/token`.
    public struct JWT: Sendable, Equatable {
        /// `nil` = generated at first start.
        public var secret: String?
        /// Token lifetime in jsonwebtoken's `expiresIn` syntax (a number = seconds, `"1h"`, `"7d"`, ...).
        public var expire: MsDuration

        public init(secret: String? = nil, expire: MsDuration = MsDuration.defaultTokenLifetime) {
            self.secret = secret
            self.expire = expire
        }
    }

    /// `auth.*`: Monibuca-style JWT login protecting the admin APIs.
    public struct Auth: Sendable, Equatable {
        public var enabled: Bool
        /// HS256 key of the Monibuca JWT. `nil` = generated at first start.
        public var secret: String?
        /// Token lifetime in seconds.
        public var expire: Int
        /// Path prefixes that need no token.
        public var exclude: [String]
        /// Empty = an `admin` user with a generated password, stored hashed in the data dir.
        public var users: [UserEntry]

        public static let defaultExclude = ["/api/login", "/api/auth/login", "/flv/", "/hls/"]

        public init(
            enabled: Bool = true, secret: String? = nil, expire: Int = 86_400,
            exclude: [String] = Auth.defaultExclude, users: [UserEntry] = []
        ) {
            self.enabled = enabled
            self.secret = secret
            self.expire = expire
            self.exclude = exclude
            self.users = users
        }
    }

    /// One `auth.users` entry. Exactly one of `password` (plain, to be hashed by the store on load) and
    /// `passwordHash` is set once loaded.
    public struct UserEntry: Sendable, Equatable, CustomStringConvertible {
        public var username: String
        public var password: String?
        public var passwordHash: String?

        /// The `password_hash` forms the store verifies (ParleyCrypto's `PasswordHash`): what Parley writes,
        /// `pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64`, and `sha256:` + 64 hex digits (unsalted).
        public static let acceptedHashPrefixes = ["pbkdf2-sha256$", "sha256:"]

        public init(username: String, password: String? = nil, passwordHash: String? = nil) {
            self.username = username
            self.password = password
            self.passwordHash = passwordHash
        }

        /// Never shows the password or its hash, so logging an entry cannot leak it.
        public var description: String {
            "UserEntry(username: \(username), password: \(password == nil ? "nil" : "********"), "
                + "passwordHash: \(passwordHash == nil ? "nil" : "********"))"
        }
    }

    /// `stream_auth.*`: Monibuca's `secret`/`expire` signatures on publish and play.
    public struct StreamAuth: Sendable, Equatable {
        public var enabled: Bool
        /// Plugin name → keys. The plugin `global` is the default for every plugin not listed.
        public var keys: [String: StreamKeys]

        public init(enabled: Bool = false, keys: [String: StreamKeys] = [:]) {
            self.enabled = enabled
            self.keys = keys
        }

        /// The keys that apply to `plugin`: its own entry, else the `global` one.
        public func keys(for plugin: String) -> StreamKeys {
            keys[plugin] ?? keys["global"] ?? StreamKeys()
        }
    }

    /// One plugin's signing keys; `nil` = that direction is not checked.
    public struct StreamKeys: Sendable, Equatable {
        public var publish: String?
        public var subscribe: String?

        public init(publish: String? = nil, subscribe: String? = nil) {
            self.publish = publish
            self.subscribe = subscribe
        }
    }
}
