import Testing
@testable import ParleySFU

/// Keyframe starts in VP8 (RFC 7741) and H264 (RFC 6184) payloads, and nothing read past the end of short ones.
@Suite("Keyframe detection in VP8 and H264 payloads")
struct KeyframeDetectorTests {
    @Test("VP8: S=1 PID=0 and a clear P bit after the descriptor, with every optional descriptor field")
    func vp8() {
        #expect(KeyframeDetector.vp8([0x10, 0x00, 0x9D, 0x01, 0x2A]))
        #expect(!KeyframeDetector.vp8([0x10, 0x01]), "P set: interframe")
        #expect(!KeyframeDetector.vp8([0x00, 0x00]), "not the start of a partition")
        #expect(!KeyframeDetector.vp8([0x11, 0x00]), "partition 1")
        // X with I (15-bit PictureID), L and T/K: 1 + 1 + 2 + 1 + 1 bytes of descriptor.
        #expect(KeyframeDetector.vp8([0x90, 0xF0, 0x80, 0x05, 0x07, 0x20, 0x00]))
        #expect(!KeyframeDetector.vp8([0x90, 0xF0, 0x80, 0x05, 0x07, 0x20, 0x01]))
        // X with a 7-bit PictureID only.
        #expect(KeyframeDetector.vp8([0x90, 0x80, 0x05, 0x00]))
        for short in [[], [0x90], [0x90, 0x80], [0x90, 0x80, 0x85], [0x10]] as [[UInt8]] {
            #expect(!KeyframeDetector.vp8(short))
        }
    }

    @Test("H264: IDR or SPS alone, in a STAP-A, or as the first FU-A fragment")
    func h264() {
        #expect(KeyframeDetector.h264([0x65, 0x88]), "IDR slice")
        #expect(KeyframeDetector.h264([0x67, 0x42]), "SPS")
        #expect(!KeyframeDetector.h264([0x41, 0x9A]), "non-IDR slice")
        // STAP-A: a 2-byte SEI (6) then an SPS.
        #expect(KeyframeDetector.h264([0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x67, 0x42]))
        #expect(!KeyframeDetector.h264([0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x41, 0x9A]))
        #expect(!KeyframeDetector.h264([0x78, 0x00, 0x00, 0x67]), "a zero size ends the walk")
        // FU-A: start fragment of an IDR, a middle fragment of one, the start of a non-IDR slice.
        #expect(KeyframeDetector.h264([0x7C, 0x85, 0x00]))
        #expect(!KeyframeDetector.h264([0x7C, 0x05, 0x00]))
        #expect(!KeyframeDetector.h264([0x7C, 0x81, 0x00]))
        for short in [[], [0x78], [0x78, 0xFF, 0xFF], [0x7C]] as [[UInt8]] {
            #expect(!KeyframeDetector.h264(short))
        }
    }
}
