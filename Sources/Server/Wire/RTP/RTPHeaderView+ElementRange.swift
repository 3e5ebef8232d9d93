extension RTPHeaderView {
    /// Where the data of RFC 8285 element `id` sits in `bytes`, so a forwarder can overwrite a same-size value in
    /// place (transport-wide sequence number, abs-send-time). Nil when absent or the block is not RFC 8285.
    public func extensionElementRange(id: UInt8, in bytes: [UInt8]) -> Range<Int>? {
        guard let profile = extensionProfile, let range = extensionRange, range.upperBound <= bytes.count, id != 0
        else { return nil }
        let twoByte = RTPHeaderExtension.isTwoByteProfile(profile)
        guard profile == RTPHeaderExtension.oneByteProfile || twoByte else { return nil }
        var position = range.lowerBound
        while position < range.upperBound {
            let head = bytes[position]
            if twoByte {
                if head == 0 { position += 1; continue }
                guard position + 1 < range.upperBound else { return nil }
                let start = position + 2, end = start + Int(bytes[position + 1])
                guard end <= range.upperBound else { return nil }
                if head == id { return start..<end }
                position = end
            } else {
                let elementID = head >> 4
                if elementID == 0 { position += 1; continue } // §4.2 padding
                if elementID == 15 { return nil } // §4.2: stop processing
                let start = position + 1, end = start + Int(head & 0x0F) + 1
                guard end <= range.upperBound else { return nil }
                if elementID == id { return start..<end }
                position = end
            }
        }
        return nil
    }
}
