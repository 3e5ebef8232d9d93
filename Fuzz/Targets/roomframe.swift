// libFuzzer target: client → server frames of the room WebSocket (`{"action": NAME, "id": ID?, ...}`), decoded as
// RoomSocketActionParser does before a session acts on them. Compiled together with the parser's own files (see
// `target_sources` in Fuzz/build.sh), so it reaches the internal types without the Hummingbird layer.
import ParleyJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoomFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch RoomSocketActionParser.parse(text) {
    case .success:
        break
    case .failure(let refusal):
        // The refusal goes back to the client as an `error` event echoing the id; it must be JSON we can read.
        let frame = RoomSocketEnvelope.error(refusal.code, refusal.reason, replyTo: refusal.replyTo)
        guard case .object(let object)? = try? JSONValue.parse(frame), object["event"] == .string("error") else {
            fatalError("refusal did not encode as an error event: \(frame.prefix(200))")
        }
    }
    return 0
}
