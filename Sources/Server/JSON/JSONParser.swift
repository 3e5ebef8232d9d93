/// A recursive-descent parser over validated UTF-8 (RFC 8259 §2–§7). Each byte is looked at a bounded number of
/// times and object members go into a hash table, so the whole parse is linear in the input; recursion is bounded
/// by ``JSONLimits/maxDepth``.
struct JSONParser {
    let bytes: [UInt8]
    let limits: JSONLimits
    var position = 0
    var depth = 0

    init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count { throw JSONParseError(.trailingCharacters, at: position) }
        return value
    }

    // MARK: tokens

    /// RFC 8259 §2: space, tab, line feed, carriage return.
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    func fail(_ reason: JSONParseError.Reason) -> JSONParseError { JSONParseError(reason, at: position) }

    // MARK: values (§3)

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard let byte = peek() else { throw fail(.unexpectedCharacter) }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail(.unexpectedCharacter)
        }
    }

    mutating func parseLiteral(_ word: String) throws(JSONParseError) {
        for unit in word.utf8 {
            guard position < bytes.count, bytes[position] == unit else { throw fail(.invalidLiteral) }
            position += 1
        }
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > limits.maxDepth { throw fail(.tooDeep(limit: limits.maxDepth)) }
    }

    // MARK: objects (§4)

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1 // "{"
        var object = JSONObject()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        guard peek() == UInt8(ascii: "\"") else { throw fail(.expectedPropertyNameOrEnd) }
        var members = 0
        while true {
            members += 1
            if members > limits.maxMembers { throw fail(.tooManyMembers(limit: limits.maxMembers)) }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail(.expectedColon) }
            position += 1
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw fail(.expectedPropertyName) }
                continue
            }
            guard peek() == UInt8(ascii: "}") else { throw fail(.expectedCommaOrObjectEnd) }
            position += 1
            return .object(object)
        }
    }

    // MARK: arrays (§5)

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1 // "["
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            if items.count == limits.maxElements { throw fail(.tooManyElements(limit: limits.maxElements)) }
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard peek() == UInt8(ascii: "]") else { throw fail(.expectedCommaOrArrayEnd) }
            position += 1
            return .array(items)
        }
    }

    // MARK: numbers (§6)

    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = position
        func isDigit(_ index: Int) -> Bool {
            index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
        }
        if bytes[position] == UInt8(ascii: "-") {
            position += 1
            guard isDigit(position) else { throw fail(.missingDigitAfterMinus) }
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while isDigit(position) { position += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard isDigit(position) else { throw fail(.missingFractionDigits) }
            while isDigit(position) { position += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw fail(.missingExponentDigits) }
            while isDigit(position) { position += 1 }
        }
        // The grammar above is a subset of what Double's parser takes; out-of-range values round to ±infinity or
        // zero, as JavaScript's JSON.parse does.
        return Double(String(decoding: bytes[start..<position], as: UTF8.self)) ?? 0
    }
}
