/// EBML elements (RFC 8794): an ID (its own VINT marker included), a VINT data size, the data.
enum EBML {
    /// RFC 8794 §4: the shortest VINT holding `value`; all-ones data is reserved for "unknown", so one more byte
    /// is taken then.
    static func size(_ value: UInt64) -> [UInt8] {
        var length = 1
        while length < 8 && value >= (UInt64(1) << (7 * UInt64(length))) - 1 { length += 1 }
        return size(value, length: length)
    }

    /// A VINT of exactly `length` bytes (a fixed width lets a writer patch it later).
    static func size(_ value: UInt64, length: Int) -> [UInt8] {
        var bytes = (0..<length).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(length - 1 - $0))) }
        bytes[0] |= UInt8(0x80 >> (length - 1))
        return bytes
    }

    static func id(_ id: UInt32) -> [UInt8] {
        let length = id > 0xFF_FFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1
        return (0..<length).map { UInt8(truncatingIfNeeded: id >> (8 * UInt32(length - 1 - $0))) }
    }

    static func element(_ id: UInt32, _ data: [UInt8]) -> [UInt8] {
        self.id(id) + size(UInt64(data.count)) + data
    }

    static func master(_ id: UInt32, _ children: [[UInt8]]) -> [UInt8] { element(id, children.flatMap { $0 }) }

    /// RFC 8794 §7.2: big-endian, as few bytes as the value needs (at least one).
    static func unsigned(_ id: UInt32, _ value: UInt64) -> [UInt8] {
        var length = 1
        while length < 8 && value >> (8 * UInt64(length)) != 0 { length += 1 }
        return element(id, (0..<length).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(length - 1 - $0))) })
    }

    /// A fixed 8-byte unsigned integer (patchable, or of known size before its value is).
    static func unsigned8(_ id: UInt32, _ value: UInt64) -> [UInt8] {
        element(id, (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(7 - $0))) })
    }

    /// RFC 8794 §7.3: an 8-byte IEEE 754 double.
    static func float(_ id: UInt32, _ value: Double) -> [UInt8] {
        let bits = value.bitPattern
        return element(id, (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64(7 - $0))) })
    }

    static func string(_ id: UInt32, _ value: String) -> [UInt8] { element(id, Array(value.utf8)) }
}

/// The Matroska/WebM element IDs the writer uses (RFC 9559 §5.1; https://www.webmproject.org/docs/container/).
enum MatroskaID {
    static let ebml: UInt32 = 0x1A45_DFA3
    static let ebmlVersion: UInt32 = 0x4286
    static let ebmlReadVersion: UInt32 = 0x42F7
    static let ebmlMaxIDLength: UInt32 = 0x42F2
    static let ebmlMaxSizeLength: UInt32 = 0x42F3
    static let docType: UInt32 = 0x4282
    static let docTypeVersion: UInt32 = 0x4287
    static let docTypeReadVersion: UInt32 = 0x4285
    static let segment: UInt32 = 0x1853_8067
    static let seekHead: UInt32 = 0x114D_9B74
    static let seek: UInt32 = 0x4DBB
    static let seekID: UInt32 = 0x53AB
    static let seekPosition: UInt32 = 0x53AC
    static let info: UInt32 = 0x1549_A966
    static let timestampScale: UInt32 = 0x2A_D7B1
    static let duration: UInt32 = 0x4489
    static let muxingApp: UInt32 = 0x4D80
    static let writingApp: UInt32 = 0x5741
    static let tracks: UInt32 = 0x1654_AE6B
    static let trackEntry: UInt32 = 0xAE
    static let trackNumber: UInt32 = 0xD7
    static let trackUID: UInt32 = 0x73C5
    static let trackType: UInt32 = 0x83
    static let flagLacing: UInt32 = 0x9C
    static let codecID: UInt32 = 0x86
    static let codecPrivate: UInt32 = 0x63A2
    static let codecDelay: UInt32 = 0x56AA
    static let seekPreRoll: UInt32 = 0x56BB
    static let video: UInt32 = 0xE0
    static let pixelWidth: UInt32 = 0xB0
    static let pixelHeight: UInt32 = 0xBA
    static let audio: UInt32 = 0xE1
    static let samplingFrequency: UInt32 = 0xB5
    static let channels: UInt32 = 0x9F
    static let cluster: UInt32 = 0x1F43_B675
    static let timestamp: UInt32 = 0xE7
    static let simpleBlock: UInt32 = 0xA3
    static let cues: UInt32 = 0x1C53_BB6B
    static let cuePoint: UInt32 = 0xBB
    static let cueTime: UInt32 = 0xB3
    static let cueTrackPositions: UInt32 = 0xB7
    static let cueTrack: UInt32 = 0xF7
    static let cueClusterPosition: UInt32 = 0xF1
}
