/// A reply payload that writes its own JSON: the bytes `MonibucaEnvelope.encoder` (`.sortedKeys`,
/// `.withoutEscapingSlashes`) writes for it, without the encoder's containers, `Data` and copy. Conforming types
/// keep their `Encodable` conformance as the reference their tests compare against.
protocol JSONBufferWritable: Encodable {
    /// At most how many bytes ``writeJSON(to:)`` writes (``JSONOutput``'s `bound` functions).
    var jsonBound: Int { get }
    func writeJSON(to out: inout JSONOutput)
}

extension JSONOutput {
    /// An optional integer: its digits, or `null` (``Nullable``).
    mutating func optionalInteger(_ value: (some FixedWidthInteger)?) {
        if let value { integer(value) } else { null() }
    }

    /// An array of writable values, `[a,b]`.
    mutating func array(_ items: [some JSONBufferWritable]) {
        byte(UInt8(ascii: "["))
        for index in items.indices {
            if index > 0 { byte(UInt8(ascii: ",")) }
            items[index].writeJSON(to: &self)
        }
        byte(UInt8(ascii: "]"))
    }

    /// ``array(_:)``'s bound.
    static func bound(_ items: [some JSONBufferWritable]) -> Int {
        items.reduce(2 + items.count) { $0 + $1.jsonBound }
    }
}
