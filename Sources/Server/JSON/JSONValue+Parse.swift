extension JSONValue {
    /// Parses one JSON text (RFC 8259) from UTF-8 bytes. Linear in the input; never traps on any input; refuses
    /// what crosses `limits`.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .standard) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else { throw JSONParseError(.tooLarge(limit: limits.maxBytes), at: 0) }
        if let bad = UTF8Validation.firstInvalidOffset(bytes) { throw JSONParseError(.invalidUTF8, at: bad) }
        var parser = JSONParser(bytes: bytes, limits: limits)
        return try parser.parseDocument()
    }

    /// Parses one JSON text from a string (already Unicode, so never `invalidUTF8`).
    public static func parse(_ text: String, limits: JSONLimits = .standard) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }
}
