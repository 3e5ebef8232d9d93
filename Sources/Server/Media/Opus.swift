import COpus
import CShims

/// A libopus failure (the OPUS_* code and its text).
public struct OpusError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: Int32
    public var description: String { String(cString: opus_strerror(code)) }
}

/// Opus as WebRTC carries it (RFC 7587): 48 kHz, 20 ms frames, interleaved Int16 PCM.
public enum OpusFormat {
    public static let sampleRate: Int32 = 48_000
    /// Samples per channel in one 20 ms frame.
    public static let samplesPerFrame = 960
    /// Largest packet we produce (RFC 6716 §3.4 allows 1275 per frame).
    public static let maximumPacketLength = 1_275
}

public enum OpusApplication: Sendable {
    case voip, audio, lowDelay

    var value: Int32 {
        switch self {
        case .voip: OPUS_APPLICATION_VOIP
        case .audio: OPUS_APPLICATION_AUDIO
        case .lowDelay: OPUS_APPLICATION_RESTRICTED_LOWDELAY
        }
    }
}

/// Encodes 20 ms frames of 48 kHz PCM. Not thread-safe.
///
/// Only tests encode today (the SFU forwards Opus untouched). It stays here, beside ``OpusDecoder``, so the one
/// COpus binding (error mapping, application constants, the linked library) exists once rather than in Fixtures too.
public final class OpusEncoder {
    public let channels: Int
    let state: OpaquePointer

    /// - Parameter channels: 1 (mono) or 2 (stereo, interleaved L R L R ...).
    public init(channels: Int = 1, application: OpusApplication = .voip, bitrate: Int32? = nil) throws(OpusError) {
        guard channels == 1 || channels == 2 else { throw OpusError(code: OPUS_BAD_ARG) }
        var error: Int32 = 0
        guard let state = opus_encoder_create(OpusFormat.sampleRate, Int32(channels), application.value, &error),
            error == OPUS_OK
        else { throw OpusError(code: error == OPUS_OK ? OPUS_ALLOC_FAIL : error) }
        self.state = state
        self.channels = channels
        if let bitrate {
            let result = parley_opus_encoder_set_bitrate(state, bitrate)
            guard result == OPUS_OK else { throw OpusError(code: result) }
        }
    }

    deinit { opus_encoder_destroy(state) }

    /// Encodes exactly 960 × channels samples into one Opus packet.
    public func encode(_ pcm: [Int16]) throws(OpusError) -> [UInt8] {
        guard pcm.count == OpusFormat.samplesPerFrame * channels else { throw OpusError(code: OPUS_BAD_ARG) }
        var packet = [UInt8](repeating: 0, count: OpusFormat.maximumPacketLength)
        let length = opus_encode(state, pcm, Int32(OpusFormat.samplesPerFrame), &packet, Int32(packet.count))
        guard length > 0 else { throw OpusError(code: length) }
        return Array(packet.prefix(Int(length)))
    }
}

/// Decodes Opus packets to 48 kHz interleaved Int16 PCM. Not thread-safe.
public final class OpusDecoder {
    public let channels: Int
    let state: OpaquePointer

    public init(channels: Int = 1) throws(OpusError) {
        guard channels == 1 || channels == 2 else { throw OpusError(code: OPUS_BAD_ARG) }
        var error: Int32 = 0
        guard let state = opus_decoder_create(OpusFormat.sampleRate, Int32(channels), &error), error == OPUS_OK
        else { throw OpusError(code: error == OPUS_OK ? OPUS_ALLOC_FAIL : error) }
        self.state = state
        self.channels = channels
    }

    deinit { opus_decoder_destroy(state) }

    /// Decodes one packet (up to 120 ms) and returns samples × channels values; a nil packet asks for
    /// 20 ms of loss concealment. Corrupt packets throw, never trap.
    public func decode(_ packet: [UInt8]?) throws(OpusError) -> [Int16] {
        let maximumSamples = OpusFormat.samplesPerFrame * 6 // 120 ms, the longest Opus packet
        var pcm = [Int16](repeating: 0, count: maximumSamples * channels)
        let samples: Int32
        if let packet, !packet.isEmpty {
            guard packet.count <= Int(Int32.max) else { throw OpusError(code: OPUS_INVALID_PACKET) }
            samples = opus_decode(state, packet, Int32(packet.count), &pcm, Int32(maximumSamples), 0)
        } else {
            samples = opus_decode(state, nil, 0, &pcm, Int32(OpusFormat.samplesPerFrame), 0)
        }
        guard samples >= 0 else { throw OpusError(code: samples) }
        return Array(pcm.prefix(Int(samples) * channels))
    }
}
