import ParleyCrypto

/// One side's ICE username fragment and password (RFC 8445 §5.3, RFC 8839 §5.4).
public struct ICECredentials: Sendable, Hashable {
    public var ufrag: String
    public var pwd: String

    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }

    /// RFC 8839 §5.4: ice-char is [A-Za-z0-9+/]; ufrag ≥ 4 and pwd ≥ 22 characters (Chrome enforces both).
    /// Ufrag 8 and pwd 32 characters give 48 and 192 bits of randomness.
    public static func random() -> ICECredentials {
        ICECredentials(ufrag: randomICEChars(8), pwd: randomICEChars(32))
    }

    static let iceAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func randomICEChars(_ count: Int) -> String {
        // 64 symbols: the low 6 bits of each random byte select one without bias.
        String(SecureRandom.bytes(count).map { iceAlphabet[Int($0 & 0x3F)] })
    }
}
