import COpenSSL

/// A certificate fingerprint as SDP carries it (RFC 8122 §5): `hash-func SP` upper-case hex pairs joined by ":".
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "sha-1", sha224 = "sha-224", sha256 = "sha-256", sha384 = "sha-384", sha512 = "sha-512"

        var evp: OpaquePointer? {
            switch self {
            case .sha1: EVP_sha1()
            case .sha224: EVP_sha224()
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            }
        }
    }

    public let algorithm: Algorithm
    public let bytes: [UInt8]

    public init(algorithm: Algorithm, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Fingerprint of a DER-encoded certificate (the hash covers the whole DER, RFC 8122 §5).
    public init(der: [UInt8], algorithm: Algorithm = .sha256) {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = EVP_Digest(der, der.count, &out, &length, algorithm.evp, nil)
        precondition(ok == 1, "EVP_Digest failed for a built-in algorithm")
        self.init(algorithm: algorithm, bytes: Array(out.prefix(Int(length))))
    }

    /// Fingerprint of an OpenSSL `X509 *`.
    public init(x509: OpaquePointer, algorithm: Algorithm = .sha256) throws {
        try self.init(der: derEncoding(of: x509), algorithm: algorithm)
    }

    /// Parses the value of an `a=fingerprint:` attribute, e.g. "sha-256 AB:CD:...". Hex is case-insensitive
    /// and the hash name too (RFC 8122 §5 uses lower case, some stacks send upper). Nil on anything else.
    public init?(sdp value: String) {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let algorithm = Algorithm(rawValue: parts[0].lowercased()) else { return nil }
        var bytes: [UInt8] = []
        for pair in parts[1].split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.count == 2, let byte = UInt8(pair, radix: 16) else { return nil }
            bytes.append(byte)
        }
        guard bytes.count == Int(EVP_MD_get_size(algorithm.evp)) else { return nil }
        self.init(algorithm: algorithm, bytes: bytes)
    }

    /// "sha-256 AB:CD:..." for `a=fingerprint:`.
    public var sdpValue: String {
        let digits = Array("0123456789ABCDEF".utf8)
        let hex = bytes.map { String(decoding: [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]], as: UTF8.self) }
        return "\(algorithm.rawValue) \(hex.joined(separator: ":"))"
    }

    public var description: String { sdpValue }

    /// True when `der` hashes to this fingerprint under its own algorithm (compared in constant time).
    public func matches(der: [UInt8]) -> Bool {
        ConstantTime.equals(CertificateFingerprint(der: der, algorithm: algorithm).bytes, bytes)
    }
}
