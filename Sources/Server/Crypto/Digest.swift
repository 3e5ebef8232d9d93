import COpenSSL

/// One-shot message digests and HMACs through OpenSSL's EVP interface.
/// The wire codecs (STUN MESSAGE-INTEGRITY, RFC 8489 §14.5), the Monibuca stream signatures (md5) and
/// certificate fingerprints (RFC 8122 §5) all go through here.
public enum DigestAlgorithm: Sendable {
    case md5, sha1, sha256

    var evp: OpaquePointer? {
        switch self {
        case .md5: EVP_md5()
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        }
    }

    public var byteCount: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        }
    }
}

public enum Digest {
    /// `algorithm(message)`.
    public static func hash<M: Collection<UInt8>>(_ algorithm: DigestAlgorithm, _ message: M) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = withContiguousBytes(message) { msg in
            EVP_Digest(msg.baseAddress, msg.count, &out, &length, algorithm.evp, nil)
        }
        precondition(ok == 1, "EVP_Digest failed for a built-in algorithm")
        return Array(out.prefix(Int(length)))
    }

    /// Lower-case hex of `algorithm(message)`, as Monibuca's stream signatures use it.
    public static func hex<M: Collection<UInt8>>(_ algorithm: DigestAlgorithm, _ message: M) -> String {
        hash(algorithm, message).hexString
    }
}

public enum HMAC {
    /// RFC 2104 HMAC with the given digest.
    public static func authenticate<K: Collection<UInt8>, M: Collection<UInt8>>(
        _ algorithm: DigestAlgorithm, key: K, message: M
    ) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = withContiguousBytes(key) { k in
            withContiguousBytes(message) { m in
                COpenSSL.HMAC(
                    algorithm.evp, k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    m.count, &out, &length)
            }
        }
        precondition(result != nil, "HMAC failed for a built-in algorithm")
        return Array(out.prefix(Int(length)))
    }

    public static func sha1<K: Collection<UInt8>, M: Collection<UInt8>>(key: K, message: M) -> [UInt8] {
        authenticate(.sha1, key: key, message: message)
    }

    public static func sha256<K: Collection<UInt8>, M: Collection<UInt8>>(key: K, message: M) -> [UInt8] {
        authenticate(.sha256, key: key, message: message)
    }
}

public enum ConstantTime {
    /// Compares two byte strings without an early exit, so timing does not reveal the matching prefix.
    /// Lengths are not secret (a length mismatch returns false at once).
    public static func equals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }

    public static func equals(_ a: String, _ b: String) -> Bool {
        // The UTF-8 views compare in place: no copy into arrays (two allocations per check on a hot route).
        equals(a.utf8, b.utf8)
    }
}

public enum SecureRandom {
    /// Cryptographically strong random bytes (OpenSSL RAND_bytes).
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let ok = RAND_bytes(&out, Int32(count))
        precondition(ok == 1, "RAND_bytes failed: the process has no entropy source")
        return out
    }

    /// URL-safe random token (base64url without padding) carrying `byteCount` random bytes.
    public static func token(byteCount: Int = 24) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}

/// base64url without padding (RFC 4648 §5), as JWS uses it (RFC 7515 §2).
public enum Base64URL {
    public static func encode<B: Collection<UInt8>>(_ bytes: B) -> String {
        var s = [UInt8](bytes).base64EncodedString()
        s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    /// Decodes unpadded base64url; nil on any character outside the alphabet or an impossible length.
    public static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isAlphabet($0) }), text.utf8.count % 4 != 1 else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return [UInt8](base64Encoded: s)
    }

    static func isAlphabet(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39, 0x2d, 0x5f: true
        default: false
        }
    }
}

extension Collection<UInt8> {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

@inline(__always)
func withContiguousBytes<C: Collection<UInt8>, R>(_ c: C, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let r = c.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return r }
    return Array(c).withUnsafeBytes(body)
}
