// libFuzzer target: a connection's HTTP/1.1 request stream as the framer in front of the HTTP codec sees it
// (RFC 9112 §2.1, §6.3).
import ParleyWire

/// Feeds `bytes` in reads cut at `cuts`, moving past every step; returns the framer and how many bytes the steps
/// covered. Traps when a step is empty or reaches past its read.
private func frame(_ bytes: [UInt8], cuts: [Int]) -> (HTTP1RequestFramer, Int) {
    var framer = HTTP1RequestFramer()
    var covered = 0
    var start = 0
    for end in cuts + [bytes.count] where end > start {
        var offset = start
        while offset < end {
            let step = bytes[offset..<end].withUnsafeBytes { framer.next($0) }
            let count: Int
            switch step {
            case .pass(let passed): count = passed
            case .request(let head):
                count = head.length
                // A head handed out whole is one the parser finds complete at the same place, with its fields.
                let again = bytes[offset..<end].withUnsafeBytes { HTTP1RequestHead.parse($0) }
                guard again == .complete(head), head.contentLength ?? 0 == 0 else {
                    fatalError("a handed-out head does not parse back")
                }
                bytes[offset..<offset + head.length].withUnsafeBytes {
                    HTTP1RequestHead.forEachField(in: $0) { _, _ in }
                }
            }
            guard count > 0, count <= end - offset else {
                fatalError("step of \(count) bytes with \(end - offset) left")
            }
            offset += count
            covered += count
        }
        start = end
    }
    return (framer, covered)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let (whole, wholeCovered) = frame(bytes, cuts: [])
    guard wholeCovered == bytes.count else { fatalError("the steps did not cover the input") }
    // The same stream in reads of three sizes taken from the input: the same message ends, and never given up
    // where the whole stream was framed to its end.
    let step = max(1, Int(bytes.first ?? 1) % 17 + 1)
    for cuts in [
        Array(stride(from: step, to: bytes.count, by: step)), [bytes.count / 2],
        Array(1..<max(1, min(bytes.count, 512))),
    ] {
        let (split, covered) = frame(bytes, cuts: cuts)
        guard covered == bytes.count, split.messagesEnded == whole.messagesEnded,
            !split.gaveUp || whole.gaveUp
        else { fatalError("read splits changed the framing: \(split.messagesEnded) vs \(whole.messagesEnded)") }
    }
    return 0
}
