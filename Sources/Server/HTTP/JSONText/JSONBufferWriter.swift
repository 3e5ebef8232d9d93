import NIOCore

/// JSON text appended straight to a response buffer, byte for byte as the envelope's `JSONEncoder` writes the same
/// values (`.withoutEscapingSlashes`; members in the order the caller writes them, so a caller mirroring
/// `.sortedKeys` writes them sorted). For replies on the hot path: the encoder's per-value containers, the `Data`
/// and the copy into a buffer cost more than the answer.
///
/// Each ``write(atMost:_:)`` reserves its bound once and the closure writes through a ``JSONOutput`` without
/// per-value capacity checks.
struct JSONBufferWriter {
    var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Writes with `body`, which writes at most `bound` bytes (computed with ``JSONOutput``'s `bound` functions).
    mutating func write(atMost bound: Int, _ body: (inout JSONOutput) -> Void) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var output = JSONOutput(UnsafeMutableRawBufferPointer(rebasing: memory[..<bound]))
            body(&output)
            return output.count
        }
    }

    /// Literal JSON text (punctuation and known member names).
    mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    mutating func int(_ value: Int) {
        write(atMost: JSONOutput.integerBound) { $0.integer(value) }
    }

    mutating func bool(_ value: Bool) {
        buffer.writeStaticString(value ? "true" : "false")
    }

    mutating func null() {
        buffer.writeStaticString("null")
    }

    mutating func optionalString(_ value: String?) {
        write(atMost: JSONOutput.bound(value)) { $0.optionalString(value) }
    }

    mutating func string(_ text: String) {
        write(atMost: JSONOutput.bound(text)) { $0.string(text) }
    }
}
