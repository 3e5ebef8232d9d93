import Foundation

extension Array<UInt8> {
    /// Standard base64 (RFC 4648 §4) with padding.
    public func base64EncodedString() -> String { Data(self).base64EncodedString() }

    /// Decodes standard base64; nil on bad input.
    public init?(base64Encoded string: String) {
        guard let data = Data(base64Encoded: string) else { return nil }
        self = [UInt8](data)
    }
}
