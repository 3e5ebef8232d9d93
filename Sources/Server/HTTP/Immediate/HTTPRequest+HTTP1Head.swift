import HTTPTypes
import ParleyWire

extension HTTPRequest {
    /// The request a plain GET head (``HTTP1RequestHead/isPlain``) at the start of `bytes` carries, as
    /// Hummingbird's HTTP/1 codec would hand it to the router: scheme `http` (Hummingbird's codec is told the
    /// connection is not secure, TLS or not), the first `Host` as the authority and not among the fields, the
    /// target as the path, every other field in order. Nil for any other method.
    init?(plainGET head: HTTP1RequestHead, in bytes: UnsafeRawBufferPointer) {
        guard head.isPlain, head.method.count == 3, bytes[head.method.lowerBound] == UInt8(ascii: "G"),
            bytes[head.method.lowerBound + 1] == UInt8(ascii: "E"),
            bytes[head.method.lowerBound + 2] == UInt8(ascii: "T")
        else { return nil }
        var authority: String?
        var fields = HTTPFields()
        fields.reserveCapacity(head.fieldCount)
        var valid = true
        HTTP1RequestHead.forEachField(in: UnsafeRawBufferPointer(rebasing: bytes[..<head.length])) { name, value in
            if authority == nil, name.count == 4, name.elementsEqual("host".utf8, by: { $0 | 0x20 == $1 }) {
                authority = String(decoding: value, as: UTF8.self)
                return
            }
            // The head's grammar admits only token names, so this fails only on a broken invariant; the router
            // path gets the request then.
            guard let fieldName = HTTPField.Name(String(decoding: name, as: UTF8.self)) else {
                valid = false
                return
            }
            fields.append(HTTPField(name: fieldName, value: String(decoding: value, as: UTF8.self)))
        }
        guard valid else { return nil }
        self.init(
            method: .get, scheme: "http", authority: authority,
            path: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[head.target]), as: UTF8.self),
            headerFields: fields)
    }
}
