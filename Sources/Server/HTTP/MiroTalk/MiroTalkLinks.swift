import Foundation

/// The base of every link the MiroTalk API hands out: `http.public_url` when configured, else `https://` + the
/// request's Host header (MiroTalk: `'https://' + req.headers.host`, whatever the scheme; the port answers TLS).
public enum MiroTalkLinks {
    /// `publicURL` without trailing slashes when set; else `https://<host>` when `host` is a valid RFC 3986
    /// authority host[:port]; nil when the Host is missing or invalid (Parley answers 400; MiroTalk would echo any
    /// bytes, including `/`, `@` or quotes, into the link).
    public static func base(publicURL: String, host: String?) -> String? {
        if !publicURL.isEmpty {
            var base = Substring(publicURL)
            while base.hasSuffix("/") { base = base.dropLast() }
            return String(base)
        }
        guard let host, isValidHostHeader(host) else { return nil }
        return "https://" + host
    }

    /// RFC 9110 §7.2 Host = uri-host [ ":" port ], uri-host per RFC 3986 §3.2.2: an IP-literal in brackets or a
    /// reg-name of unreserved, pct-encoded and sub-delims characters; port is digits.
    public static func isValidHostHeader(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 261 else { return false }
        var hostEnd = bytes.count
        if bytes[0] == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1 else { return false }
            let literal = bytes[1..<close]
            guard literal.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
                return false
            }
            hostEnd = close + 1
            guard hostEnd == bytes.count || bytes[hostEnd] == UInt8(ascii: ":") else { return false }
        } else {
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) { hostEnd = colon }
            let name = bytes[0..<hostEnd]
            guard !name.isEmpty, isRegName(name) else { return false }
        }
        if hostEnd < bytes.count {
            let port = bytes[(hostEnd + 1)...]
            guard port.count <= 5, port.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        }
        return true
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// reg-name = *( unreserved / pct-encoded / sub-delims ) (RFC 3986 §3.2.2).
    static func isRegName(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    return false
                }
                index += 3
                continue
            }
            let unreserved = IdentifierBytes.isUnreserved(byte)
            let subDelim = Array("!$&'()*+,;=".utf8).contains(byte)
            guard unreserved || subDelim else { return false }
            index += 1
        }
        return true
    }

    /// JavaScript `encodeURIComponent` (ECMA-262 §19.2.6.5): UTF-8 percent-encoding of everything except
    /// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`, with upper-case hex.
    public static func encodeURIComponent(_ text: String) -> String {
        let keep = Set("-_.!~*'()".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if IdentifierBytes.isAlphanumeric(byte) || keep.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum IdentifierBytes {
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// RFC 3986 §2.3 unreserved.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~")
    }
}
