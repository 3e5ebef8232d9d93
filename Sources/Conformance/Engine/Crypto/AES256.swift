/// AES-256 block cipher (FIPS 197) in plain Swift, used only to open and make CryptoJS "Salted__" payloads of
/// MiroTalk tokens. ParleyCrypto now has `PassphraseCipher` (OpenSSL-backed) for the server; the runner keeps its
/// own implementation on purpose, so one shared bug cannot pass both sides of a conformance check (it borrows
/// only the MD5 and HMAC-SHA256 primitives from ParleyCrypto; the `openssl enc` vector in the tests pins the rest).
/// Not constant-time: it handles test secrets, never production keys.
struct AES256 {
    static let sbox: [UInt8] = makeSBox()
    static let inverseSBox: [UInt8] = {
        var inverse = [UInt8](repeating: 0, count: 256)
        for (i, v) in sbox.enumerated() { inverse[Int(v)] = UInt8(i) }
        return inverse
    }()

    /// S-box from the multiplicative inverse in GF(2^8) followed by the affine map (FIPS 197 §5.1.1).
    private static func makeSBox() -> [UInt8] {
        var box = [UInt8](repeating: 0, count: 256)
        for i in 0..<256 {
            var inverse: UInt8 = 0
            if i != 0 {
                for candidate in 1..<256 where multiply(UInt8(i), UInt8(candidate)) == 1 {
                    inverse = UInt8(candidate); break
                }
            }
            var x = inverse
            var result = inverse
            for _ in 0..<4 {
                x = (x << 1) | (x >> 7)
                result ^= x
            }
            box[i] = result ^ 0x63
        }
        return box
    }

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        while b != 0 {
            if b & 1 != 0 { product ^= a }
            let carry = a & 0x80
            a <<= 1
            if carry != 0 { a ^= 0x1B }
            b >>= 1
        }
        return product
    }

    let roundKeys: [[UInt8]]

    /// Key expansion for Nk = 8, Nr = 14 (FIPS 197 §5.2). Returns nil unless the key has 32 bytes.
    init?(key: [UInt8]) {
        guard key.count == 32 else { return nil }
        var words: [[UInt8]] = stride(from: 0, to: 32, by: 4).map { Array(key[$0..<($0 + 4)]) }
        var rcon: UInt8 = 1
        for i in 8..<60 {
            var temp = words[i - 1]
            if i % 8 == 0 {
                temp = [temp[1], temp[2], temp[3], temp[0]].map { Self.sbox[Int($0)] }
                temp[0] ^= rcon
                rcon = Self.multiply(rcon, 2)
            } else if i % 8 == 4 {
                temp = temp.map { Self.sbox[Int($0)] }
            }
            words.append(zip(words[i - 8], temp).map { $0 ^ $1 })
        }
        roundKeys = (0..<15).map { round in Array(words[(round * 4)..<(round * 4 + 4)].joined()) }
    }

    private static func addRoundKey(_ state: inout [UInt8], _ key: [UInt8]) {
        for i in 0..<16 { state[i] ^= key[i] }
    }

    /// State is column-major: byte (row r, column c) at index 4c + r.
    private static func shiftRows(_ s: inout [UInt8], inverse: Bool) {
        let copy = s
        for r in 1..<4 {
            for c in 0..<4 {
                let from = inverse ? (c - r + 4) % 4 : (c + r) % 4
                s[4 * c + r] = copy[4 * from + r]
            }
        }
    }

    private static func mixColumns(_ s: inout [UInt8], inverse: Bool) {
        let m: [UInt8] = inverse ? [14, 11, 13, 9] : [2, 3, 1, 1]
        for c in 0..<4 {
            let col = Array(s[(4 * c)..<(4 * c + 4)])
            for r in 0..<4 {
                s[4 * c + r] =
                    multiply(col[0], m[(4 - r) % 4]) ^ multiply(col[1], m[(5 - r) % 4])
                    ^ multiply(col[2], m[(6 - r) % 4]) ^ multiply(col[3], m[(7 - r) % 4])
            }
        }
    }

    func encryptBlock(_ block: [UInt8]) -> [UInt8] {
        var s = block
        Self.addRoundKey(&s, roundKeys[0])
        for round in 1..<14 {
            s = s.map { Self.sbox[Int($0)] }
            Self.shiftRows(&s, inverse: false)
            Self.mixColumns(&s, inverse: false)
            Self.addRoundKey(&s, roundKeys[round])
        }
        s = s.map { Self.sbox[Int($0)] }
        Self.shiftRows(&s, inverse: false)
        Self.addRoundKey(&s, roundKeys[14])
        return s
    }

    func decryptBlock(_ block: [UInt8]) -> [UInt8] {
        var s = block
        Self.addRoundKey(&s, roundKeys[14])
        for round in stride(from: 13, through: 1, by: -1) {
            Self.shiftRows(&s, inverse: true)
            s = s.map { Self.inverseSBox[Int($0)] }
            Self.addRoundKey(&s, roundKeys[round])
            Self.mixColumns(&s, inverse: true)
        }
        Self.shiftRows(&s, inverse: true)
        s = s.map { Self.inverseSBox[Int($0)] }
        Self.addRoundKey(&s, roundKeys[0])
        return s
    }

    /// CBC with PKCS#7 (SP 800-38A §6.2; RFC 5652 §6.3). nil on a bad length or padding.
    func decryptCBC(_ data: [UInt8], iv: [UInt8]) -> [UInt8]? {
        guard iv.count == 16, !data.isEmpty, data.count % 16 == 0 else { return nil }
        var previous = iv
        var out: [UInt8] = []
        for start in stride(from: 0, to: data.count, by: 16) {
            let block = Array(data[start..<(start + 16)])
            out += zip(decryptBlock(block), previous).map { $0 ^ $1 }
            previous = block
        }
        guard let pad = out.last, pad >= 1, pad <= 16, out.suffix(Int(pad)).allSatisfy({ $0 == pad }) else {
            return nil
        }
        return Array(out.dropLast(Int(pad)))
    }

    func encryptCBC(_ plain: [UInt8], iv: [UInt8]) -> [UInt8] {
        let pad = 16 - plain.count % 16
        let padded = plain + [UInt8](repeating: UInt8(pad), count: pad)
        var previous = iv
        var out: [UInt8] = []
        for start in stride(from: 0, to: padded.count, by: 16) {
            let block = zip(padded[start..<(start + 16)], previous).map { $0 ^ $1 }
            previous = encryptBlock(block)
            out += previous
        }
        return out
    }
}
