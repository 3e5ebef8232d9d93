import Testing

@testable import ParleyRecording

@Suite("EBML (RFC 8794) and ISO BMFF box layout")
struct ContainerLayoutTests {
    @Test("EBML VINT sizes: shortest form, all-ones avoided, fixed widths; IDs keep their marker bits")
    func vints() {
        #expect(EBML.size(0) == [0x80])
        #expect(EBML.size(126) == [0xFE])
        #expect(EBML.size(127) == [0x40, 0x7F]) // 0xFF would mean "unknown size"
        #expect(EBML.size(300) == [0x41, 0x2C])
        #expect(EBML.size(5, length: 8) == [0x01, 0, 0, 0, 0, 0, 0, 5])
        #expect(EBML.id(0x1A45_DFA3) == [0x1A, 0x45, 0xDF, 0xA3])
        #expect(EBML.id(0xA3) == [0xA3])
        #expect(EBML.unsigned(0xD7, 1) == [0xD7, 0x81, 0x01])
        #expect(EBML.unsigned(0xD7, 0) == [0xD7, 0x81, 0x00])
        #expect(EBML.unsigned(0x2A_D7B1, 1_000_000) == [0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40])
        #expect(EBML.float(0x4489, 1.0) == [0x44, 0x89, 0x88, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
    }

    func track(_ codec: RecordedCodec, _ samples: [(Int64, Bool)], start: Double = 0) -> PreparedTrack {
        PreparedTrack(
            codec: codec, codecName: codec.rawValue, clockRate: codec == .opus ? 48_000 : 90_000, channels: 2,
            samples: samples.map {
                MediaSample(timestamp: $0.0, data: [0xFC, 1, 2], isKeyframe: $0.1, arrivalMicros: 0)
            },
            startSeconds: start, width: 64, height: 48)
    }

    @Test("WebM: EBML header with DocType webm, a Segment of the right size, SeekHead → Info/Tracks/Cues, block times")
    func webm() {
        let audio = track(.opus, (0..<150).map { (Int64($0) * 960, true) }) // 3 s
        let video = track(.vp8, (0..<90).map { (Int64($0) * 3000, $0 % 45 == 0) }, start: 0.5) // key at 0.5 s and 2 s
        let file = WebMWriter.write(tracks: [audio, video])
        #expect(Array(file[0..<4]) == [0x1A, 0x45, 0xDF, 0xA3])
        let headerSize = Int(file[4] & 0x7F)
        let header = Array(file[5..<5 + headerSize])
        #expect(header.indices.contains { Array(header[$0...].prefix(7)) == [0x42, 0x82, 0x84] + Array("webm".utf8) })
        let segmentStart = 5 + headerSize
        #expect(Array(file[segmentStart..<segmentStart + 4]) == [0x18, 0x53, 0x80, 0x67])
        let sizeBytes = file[segmentStart + 4..<segmentStart + 12]
        #expect(sizeBytes.first == 0x01)
        let size = sizeBytes.dropFirst().reduce(0) { $0 << 8 | Int($1) }
        let data = segmentStart + 12
        #expect(data + size == file.count)
        #expect(Array(file[data..<data + 4]) == [0x11, 0x4D, 0x9B, 0x74]) // SeekHead first
        // Each SeekPosition (53 AC, 8 bytes) points at the element it names.
        var positions: [Int] = []
        for index in data..<(data + 120) where file[index] == 0x53 && file[index + 1] == 0xAC && file[index + 2] == 0x88
        {
            positions.append(file[(index + 3)..<(index + 11)].reduce(0) { $0 << 8 | Int($1) })
        }
        #expect(positions.count == 3)
        let ids = positions.map { Array(file[(data + $0)...].prefix(4)) }
        #expect(ids == [[0x15, 0x49, 0xA9, 0x66], [0x16, 0x54, 0xAE, 0x6B], [0x1C, 0x53, 0xBB, 0x6B]])
        // Two key frames → two cue points, each pointing at a Cluster.
        let cues = data + positions[2]
        var clusterPositions: [Int] = []
        for index in cues..<(file.count - 2) where file[index] == 0xF1 {
            let length = Int(file[index + 1] & 0x7F)
            clusterPositions.append(file[(index + 2)..<(index + 2 + length)].reduce(0) { $0 << 8 | Int($1) })
        }
        #expect(clusterPositions.count == 2)
        for position in clusterPositions {
            #expect(Array(file[(data + position)...].prefix(4)) == [0x1F, 0x43, 0xB6, 0x75])
        }
    }

    @Test("fMP4: ftyp, moov (mvhd, trak per track, mvex), then moof+mdat pairs; trun offsets land in their mdat")
    func mp4() throws {
        let audio = track(.opus, (0..<150).map { (Int64($0) * 960, true) })
        let file = FragmentedMP4Writer.write(tracks: [audio])
        var boxes: [(type: String, offset: Int, size: Int)] = []
        var offset = 0
        while offset + 8 <= file.count {
            let size = file[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            boxes.append((String(decoding: file[offset + 4..<offset + 8], as: UTF8.self), offset, size))
            #expect(size >= 8)
            offset += max(size, 8)
        }
        #expect(offset == file.count)
        #expect(boxes.map(\.type) == ["ftyp", "moov"] + Array(repeating: ["moof", "mdat"], count: 3).flatMap { $0 })
        // The first trun's data offset (from the moof start) is the first mdat's payload.
        let moof = boxes[2]
        let trun = try #require(
            (moof.offset..<moof.offset + moof.size).first {
                Array(file[$0..<$0 + 4]) == Array("trun".utf8)
            })
        let dataOffset = file[(trun + 12)..<(trun + 16)].reduce(0) { $0 << 8 | Int($1) }
        #expect(moof.offset + dataOffset == boxes[3].offset + 8)
        #expect(Array(file[(boxes[3].offset + 8)...].prefix(3)) == [0xFC, 1, 2])
    }
}
