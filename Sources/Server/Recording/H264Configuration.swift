/// The parameter sets an H264 track's `avcC` needs (ISO/IEC 14496-15 §5.3.3.1): the first SPS and PPS seen.
struct H264Configuration: Sendable, Hashable {
    var sequenceParameterSet: [UInt8]
    var pictureParameterSet: [UInt8]
}

/// What the container needs of a sequence parameter set (ITU-T H.264 §7.3.2.1.1): profile, level, chroma format
/// and bit depths for `avcC`, the cropped picture size for the track header.
struct H264SequenceParameters: Sendable, Hashable {
    var profile: UInt8
    var constraints: UInt8
    var level: UInt8
    var chromaFormat: UInt32 = 1
    var bitDepthLuma: UInt32 = 8
    var bitDepthChroma: UInt32 = 8
    var width: UInt32
    var height: UInt32

    /// Profiles whose SPS carries chroma_format_idc and the bit depths (H.264 §7.3.2.1.1).
    static let highProfiles: Set<UInt8> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// Parses a whole SPS NAL unit (header byte included); nil when it is short, not an SPS or out of range.
    init?(nalUnit: [UInt8]) {
        guard nalUnit.count >= 4, nalUnit[0] & 0x1F == 7 else { return nil }
        var reader = ExpGolombReader(rbsp: Self.rbsp(nalUnit.dropFirst()))
        guard let profile = reader.bits(8), let constraints = reader.bits(8), let level = reader.bits(8),
            reader.unsigned() != nil // seq_parameter_set_id
        else { return nil }
        self.profile = UInt8(profile)
        self.constraints = UInt8(constraints)
        self.level = UInt8(level)
        var separateColourPlanes = false
        if Self.highProfiles.contains(self.profile) {
            guard let chroma = reader.unsigned(), chroma <= 3 else { return nil }
            chromaFormat = chroma
            if chroma == 3 {
                guard let flag = reader.bits(1) else { return nil }
                separateColourPlanes = flag == 1
            }
            guard let luma = reader.unsigned(), let chromaDepth = reader.unsigned(), luma <= 6, chromaDepth <= 6,
                reader.bits(1) != nil, // qpprime_y_zero_transform_bypass_flag
                let scalingMatrix = reader.bits(1)
            else { return nil }
            bitDepthLuma = luma + 8
            bitDepthChroma = chromaDepth + 8
            if scalingMatrix == 1 {
                for list in 0..<(chroma == 3 ? 12 : 8) {
                    guard let present = reader.bits(1) else { return nil }
                    if present == 1 { guard reader.skipScalingList(size: list < 6 ? 16 : 64) else { return nil } }
                }
            }
        }
        guard reader.unsigned() != nil, // log2_max_frame_num_minus4
            let pocType = reader.unsigned()
        else { return nil }
        switch pocType {
        case 0:
            guard reader.unsigned() != nil else { return nil } // log2_max_pic_order_cnt_lsb_minus4
        case 1:
            guard reader.bits(1) != nil, reader.signed() != nil, reader.signed() != nil,
                let cycle = reader.unsigned(), cycle <= 255
            else { return nil }
            for _ in 0..<cycle { guard reader.signed() != nil else { return nil } }
        case 2:
            break
        default:
            return nil
        }
        guard reader.unsigned() != nil, // max_num_ref_frames
            reader.bits(1) != nil, // gaps_in_frame_num_value_allowed_flag
            let widthInMacroblocks = reader.unsigned(), let heightInMapUnits = reader.unsigned(),
            widthInMacroblocks < 1024, heightInMapUnits < 1024,
            let frameMacroblocksOnly = reader.bits(1)
        else { return nil }
        if frameMacroblocksOnly == 0 { guard reader.bits(1) != nil else { return nil } }
        guard reader.bits(1) != nil, let cropping = reader.bits(1) else { return nil } // direct_8x8_inference_flag
        var width = (widthInMacroblocks + 1) * 16
        var height = (2 - frameMacroblocksOnly) * (heightInMapUnits + 1) * 16
        if cropping == 1 {
            // Each offset is bounded by the picture (≤ 16384 px), so the products below cannot overflow.
            guard let left = reader.unsigned(), let right = reader.unsigned(), let top = reader.unsigned(),
                let bottom = reader.unsigned(), max(left, right, top, bottom) < 1 << 14
            else { return nil }
            // §7.4.2.1.1: crop units depend on the chroma subsampling.
            let arrayType = separateColourPlanes ? 0 : chromaFormat
            let cropX: UInt32 = arrayType == 0 ? 1 : (arrayType == 3 ? 1 : 2)
            let cropY: UInt32 = (arrayType == 1 ? 2 : 1) * (2 - frameMacroblocksOnly)
            let cropWidth = (left + right) * cropX
            let cropHeight = (top + bottom) * cropY
            guard cropWidth < width, cropHeight < height else { return nil }
            width -= cropWidth
            height -= cropHeight
        }
        self.width = width
        self.height = height
    }

    /// §7.4.1: the raw byte sequence payload, emulation prevention bytes (the 03 of 00 00 03) removed.
    static func rbsp<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var zeros = 0
        for byte in bytes {
            if zeros >= 2 && byte == 3 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            output.append(byte)
        }
        return output
    }
}

/// Bits, unsigned and signed Exp-Golomb codes (H.264 §9.1) from an RBSP; every read is nil past the end.
struct ExpGolombReader {
    let bytes: [UInt8]
    var bitPosition = 0

    init(rbsp: [UInt8]) { bytes = rbsp }

    mutating func bits(_ count: Int) -> UInt32? {
        guard count <= 32, bitPosition + count <= bytes.count * 8 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<count {
            let bit = bytes[bitPosition / 8] >> (7 - UInt8(bitPosition % 8)) & 1
            value = value << 1 | UInt32(bit)
            bitPosition += 1
        }
        return value
    }

    /// ue(v): leading zeros, a one, then as many bits.
    mutating func unsigned() -> UInt32? {
        var zeros = 0
        while true {
            guard let bit = bits(1) else { return nil }
            if bit == 1 { break }
            zeros += 1
            guard zeros < 32 else { return nil }
        }
        guard let suffix = bits(zeros) else { return nil }
        return UInt32((UInt64(1) << UInt64(zeros)) - 1 + UInt64(suffix))
    }

    /// se(v): 1, -1, 2, -2, ... from ue(v).
    mutating func signed() -> Int64? {
        guard let code = unsigned() else { return nil }
        let magnitude = (Int64(code) + 1) / 2
        return code % 2 == 1 ? magnitude : -magnitude
    }

    /// §7.3.2.1.1.1 scaling_list(): delta_scale values until the list ends or next_scale is 0.
    mutating func skipScalingList(size: Int) -> Bool {
        var last: Int64 = 8
        var next: Int64 = 8
        for _ in 0..<size where next != 0 {
            guard let delta = signed() else { return false }
            next = (last + delta + 256) % 256
            last = next == 0 ? last : next
        }
        return true
    }
}
