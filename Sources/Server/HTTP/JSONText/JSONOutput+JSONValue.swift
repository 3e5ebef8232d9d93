import NIOCore
import ParleyJSON

extension JSONValue {
    /// ``serialized`` (`JSON.stringify`'s bytes) written straight into a buffer, without the `String`.
    var jsonBuffer: ByteBuffer {
        let bound = jsonBound
        var writer = JSONBufferWriter(capacity: bound)
        writer.write(atMost: bound) { $0.value(self) }
        return writer.buffer
    }

    /// At most how many bytes ``JSONOutput/value(_:)`` writes for this value.
    var jsonBound: Int {
        switch self {
        case .null, .bool: return JSONOutput.literalBound
        case .number: return JSONOutput.numberBound
        case .string(let text): return JSONOutput.bound(text)
        case .array(let items): return items.reduce(2 + items.count) { $0 + $1.jsonBound }
        case .object(let object):
            return object.keys.reduce(2 + 2 * object.count) { sum, key in
                sum + JSONOutput.bound(key) + (object[key]?.jsonBound ?? JSONOutput.literalBound)
            }
        }
    }
}

extension JSONOutput {
    /// Number::toString (ECMA-262 §6.1.6.1.20) is at most 25 characters: a sign, 17 significant digits and either
    /// `0.00000` before them or a point and `e-324` around them.
    static let numberBound = 26

    /// A number as `JSON.stringify` writes it: ``JSONValue/numberText(_:)`` when finite, else `null`
    /// (ECMA-262 §25.5.2.2 SerializeJSONProperty step 9).
    mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        var text = JSONValue.numberText(value)
        text.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
    }

    /// A JSON value as `JSON.stringify` writes it (``JSONValue/serialized``): no spaces, members in order.
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let items):
            byte(UInt8(ascii: "["))
            for index in items.indices {
                if index > 0 { byte(UInt8(ascii: ",")) }
                self.value(items[index])
            }
            byte(UInt8(ascii: "]"))
        case .object(let object):
            byte(UInt8(ascii: "{"))
            for (index, key) in object.keys.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(key)
                byte(UInt8(ascii: ":"))
                self.value(object[key] ?? .null)
            }
            byte(UInt8(ascii: "}"))
        }
    }
}
