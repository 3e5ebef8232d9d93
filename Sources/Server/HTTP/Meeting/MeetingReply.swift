import Hummingbird

/// Successful answers in the Monibuca envelope (`{"code":0,"message":"success","data":...}`, HTTP 200).
enum MeetingReply {
    static func ok<Payload: Encodable>(_ payload: Payload) throws -> Response {
        try MonibucaEnvelope.success(payload)
    }

    /// ``ok(_:)`` for a payload that writes itself (no encoder).
    static func ok<Payload: JSONBufferWritable>(_ payload: Payload) -> Response {
        MonibucaEnvelope.success(payload)
    }
}
