import COpenSSL
import CShims

/// A failure reported by OpenSSL, with the drained error queue as text.
public struct OpenSSLError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let reasons: [String]

    public init(_ operation: String) {
        self.operation = operation
        self.reasons = OpenSSLError.drainQueue()
    }

    public var description: String {
        reasons.isEmpty ? "\(operation) failed" : "\(operation) failed: \(reasons.joined(separator: "; "))"
    }

    /// Empties this thread's OpenSSL error queue (ERR_get_error) and returns its entries as text.
    /// The queue is per thread; draining it keeps one failure from being blamed on the next call.
    public static func drainQueue() -> [String] {
        var out: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            out.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return out
    }
}

/// Reads everything written to a memory BIO as bytes.
func memoryBIOContents(_ bio: OpaquePointer) -> [UInt8] {
    var pointer: UnsafeMutablePointer<CChar>? = nil
    let length = Int(parley_bio_get_mem_data(bio, &pointer))
    guard length > 0, let pointer else { return [] }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        Array(UnsafeBufferPointer(start: $0, count: length))
    }
}
