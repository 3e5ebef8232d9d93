import HTTPTypes
import NIOCore
import NIOHTTP1

/// One request answered on the event loop, before it is framed: the route's answer (status, the route's fields
/// with the `Content-Length` Hummingbird's `Response` adds, body) and what the ordinary path adds around every
/// route's response: CORS for `origin`, `X-Request-Id`, then Hummingbird's `Date` and `Server`.
struct ImmediateExchange {
    var answer: ImmediateAnswer
    let origin: String?
    let requestID: String
    let date: String

    /// The whole response as HTTPTypes, for Hummingbird's HTTP/1 codec: the fields in the order the ordinary
    /// path adds them (CORS as ``CORSMiddleware``, the request id as ``RequestIdentityMiddleware``, then `Date`
    /// and `Server` as `Application.run`).
    func response(cors: CORSPolicy, serverName: String?) -> ImmediateAnswer {
        var response = answer
        cors.decorate(&response.head.headerFields, origin: origin, preflight: false)
        response.head.headerFields.append(HTTPField(name: .xRequestID, value: requestID))
        response.head.headerFields[.date] = date
        if let serverName { response.head.headerFields[.server] = serverName }
        return response
    }

    /// The bytes Hummingbird's HTTP/1 stack sends for ``response(cors:serverName:)``: its HTTPTypes-to-HTTP/1 codec, then NIO's response encoder with automatic framing
    /// headers (RFC 9112 §6). That is: the status line with NIO's reason phrase for a code it knows; the fields in
    /// order as `name: value`; for a status without a body (1xx, 204, 304; RFC 9110 §6.4.1) no `Content-Length` or
    /// `Transfer-Encoding` (the encoder still writes what body it is given; no route gives one); otherwise `Content-Length` in place of `Transfer-Encoding` (routes always
    /// set it; one that did not would get one here rather than a chunked body). Routes set neither `Date` nor
    /// `Server`, which come last.
    func http1Bytes(allocator: ByteBufferAllocator, cors: CORSPolicy, serverName: String?) -> ByteBuffer {
        let head = answer.head
        let status = HTTPResponseStatus(statusCode: head.status.code, reasonPhrase: head.status.reasonPhrase)
        let reason = status.reasonPhrase
        let hasBody = status.mayHaveResponseBody
        let bodyBytes = answer.body.readableBytes
        var bound = 32 + reason.utf8.count + HTTP1HeadAppender.decimalBound
        for field in head.headerFields { bound += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        bound += 20 + HTTP1HeadAppender.decimalBound // a Content-Length the route left out
        bound += cors.fieldLinesBound(origin: origin)
        bound += 20 + requestID.utf8.count + 10 + date.utf8.count + 12 + (serverName?.utf8.count ?? 0) + 2
        var out = allocator.buffer(capacity: bound + bodyBytes)
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var head = HTTP1HeadAppender(memory)
            head.append("HTTP/1.1 ")
            head.appendDecimal(Int(status.code))
            head.append(" ")
            head.append(reason)
            head.append("\r\n")
            var hasLength = false
            for field in answer.head.headerFields {
                if field.name == .contentLength {
                    guard hasBody else { continue }
                    hasLength = true
                } else if field.name == .transferEncoding {
                    continue
                }
                head.append(field.name.rawName)
                head.append(": ")
                field.withUnsafeBytesOfValue { head.append(UnsafeRawBufferPointer($0)) }
                head.append("\r\n")
            }
            if hasBody, !hasLength {
                head.append("Content-Length: ")
                head.appendDecimal(bodyBytes)
                head.append("\r\n")
            }
            cors.appendFieldLines(origin: origin, to: &head)
            head.append(HTTPField.Name.xRequestID.rawName)
            head.append(": ")
            head.append(requestID)
            head.append("\r\nDate: ")
            head.append(date)
            head.append("\r\n")
            if let serverName {
                head.append("Server: ")
                head.append(serverName)
                head.append("\r\n")
            }
            head.append("\r\n")
            return head.count
        }
        out.writeImmutableBuffer(answer.body)
        return out
    }
}
