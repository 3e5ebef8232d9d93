/// RFC 3550 §6.5 SDES.
public struct RTCPSourceDescription: Hashable, Sendable {
    /// §6.5 item types (CNAME = 1 … PRIV = 8).
    public struct Item: Hashable, Sendable {
        public var type: UInt8
        public var value: [UInt8]

        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        public static let cnameType: UInt8 = 1
        public static func cname(_ text: String) -> Item { Item(type: cnameType, value: Array(text.utf8.prefix(255))) }
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    public struct Chunk: Hashable, Sendable {
        public var source: UInt32
        public var items: [Item]

        public init(source: UInt32, items: [Item]) {
            self.source = source
            self.items = items
        }

        public var cname: String? { items.first { $0.type == Item.cnameType }?.text }
    }

    public var chunks: [Chunk]

    public init(chunks: [Chunk]) { self.chunks = chunks }

    init?(count: UInt8, body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        var chunks = [Chunk]()
        for _ in 0..<count {
            let chunkStart = reader.offset
            guard let source = reader.readUInt32() else { return nil }
            var items = [Item]()
            while true {
                guard let type = reader.readUInt8() else { return nil }
                if type == 0 { break } // end of the item list
                guard let length = reader.readUInt8(), let value = reader.readBytes(Int(length)) else { return nil }
                items.append(Item(type: type, value: Array(value)))
            }
            // The null terminator is followed by zero octets up to the next 32-bit boundary of the chunk.
            let used = reader.offset - chunkStart
            guard reader.skip((4 - used % 4) % 4) else { return nil }
            chunks.append(Chunk(source: source, items: items))
        }
        self.chunks = chunks
    }

    func encodeBody(into writer: inout ByteWriter) {
        for chunk in chunks.prefix(31) {
            let start = writer.count
            writer.write(chunk.source)
            for item in chunk.items {
                writer.write(item.type)
                writer.write(UInt8(min(item.value.count, 255)))
                writer.write(bytes: item.value.prefix(255))
            }
            // At least one null octet ends the list; pad the chunk to 32 bits.
            writer.write(UInt8(0))
            while (writer.count - start) % 4 != 0 { writer.write(UInt8(0)) }
        }
    }
}

/// RFC 3550 §6.6 BYE.
public struct RTCPGoodbye: Hashable, Sendable {
    public var sources: [UInt32]
    public var reason: String?

    public init(sources: [UInt32], reason: String? = nil) {
        self.sources = sources
        self.reason = reason
    }

    init?(count: UInt8, body: ArraySlice<UInt8>) {
        var reader = ByteReader(body)
        var sources = [UInt32]()
        for _ in 0..<count {
            guard let source = reader.readUInt32() else { return nil }
            sources.append(source)
        }
        var reason: String?
        if let length = reader.readUInt8() {
            guard let text = reader.readBytes(Int(length)), let decoded = String(validating: text, as: UTF8.self)
            else { return nil }
            reason = decoded
        }
        self.init(sources: sources, reason: reason)
    }

    func encodeBody(into writer: inout ByteWriter) {
        for source in sources.prefix(31) { writer.write(source) }
        if let reason {
            let text = Array(reason.utf8.prefix(255))
            writer.write(UInt8(text.count))
            writer.write(bytes: text)
            writer.pad(toMultipleOf: 4)
        }
    }
}
