import Hummingbird

/// Successful answers in the Monibuca envelope (`{"code":0,"message":"success","data":...}`, HTTP 200).
enum MeetingReply {
    static func ok<Payload: Encodable>(_ payload: Payload) throws -> Response {
        try MonibucaEnvelope.success(payload)
    }
}
