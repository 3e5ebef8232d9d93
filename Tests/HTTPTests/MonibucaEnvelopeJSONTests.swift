import Foundation
import NIOCore
import ParleyRooms
import Testing

@testable import ParleyHTTP
@testable import ParleySFU

/// The envelope writes its failures and the stream list itself instead of through `JSONEncoder`: the bytes must be
/// the encoder's.
@Suite("Monibuca envelope: buffer-written bodies equal JSONEncoder's")
struct MonibucaEnvelopeJSONTests {
    static let texts = [
        "", "plain", #"quote " and back\slash"#, "slash / stays", "tab\tnew\nline\r",
        "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}",
        "ünïcödé 会議 🎥", "\u{2028}\u{2029}",
    ]

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try MonibucaEnvelope.encoder.encode(value), as: UTF8.self)
    }

    @Test("failures: {code, message} for every status and awkward messages")
    func failures() throws {
        for (index, message) in Self.texts.enumerated() {
            for code in [400, 401, 404, 500, 501, 0, -1, Int.max] {
                let expected = try Self.encoded(MonibucaEnvelope.Failure(code: code, message: message))
                #expect(String(buffer: MonibucaEnvelope.failureJSON(code: code, message)) == expected, "\(index)")
            }
        }
        let response = MonibucaEnvelope.failure(.notFound, "no such \"room\"", headers: [.allow: "GET"])
        #expect(response.status == .notFound)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(response.headers[.allow] == "GET")
    }

    static func track(_ index: Int) -> MonibucaStreams.MediaTrack {
        MonibucaStreams.MediaTrack(
            PublicationStats.Track(
                kind: index % 2 == 0 ? .audio : .video, codec: index % 2 == 0 ? "opus" : "H264",
                profile: index % 3 == 0 ? nil : Self.texts[index % Self.texts.count], payloadType: UInt8(index % 128),
                clockRate: index % 2 == 0 ? 48_000 : UInt32.max,
                ssrc: index % 4 == 0 ? nil : UInt32.max - UInt32(index),
                packets: UInt64(index) * 1_000_003, bytes: UInt64.max - UInt64(index), bitrate: 0,
                keyframeRequests: UInt64(index)))
    }

    static func summary(_ index: Int) -> MonibucaStreams.StreamSummary {
        let text = Self.texts[index % Self.texts.count]
        return MonibucaStreams.StreamSummary(
            path: "room/r\(index)/\(text)", room_id: Nullable(index % 2 == 0 ? nil : "r\(index)"),
            publisher: MonibucaStreams.Publisher(
                user_id: Nullable(index % 3 == 0 ? nil : text), start_time: "2026-12-06T15:00:0\(index % 10)Z"),
            subscribers: index * 7, video_codec: Nullable(index % 2 == 0 ? "VP8" : nil),
            audio_codec: Nullable(index % 5 == 0 ? nil : "opus"),
            video_bitrate: Nullable(index % 2 == 0 ? Int.max : nil),
            audio_bitrate: Nullable(index % 3 == 0 ? nil : -index), duration: index * 3_600,
            tracks: (0..<(index % 4)).map { Self.track(index + $0) },
            players: MonibucaStreams.Players(total: index, connected: Int.min + index))
    }

    @Test("the stream list in the envelope: the encoder's bytes, empty or full")
    func streamList() throws {
        for count in [0, 1, 3, 17] {
            let list = MonibucaStreams.StreamList(total: count, streams: (0..<count).map(Self.summary))
            let expected = try Self.encoded(MonibucaEnvelope.Success(data: list))
            #expect(String(buffer: MonibucaEnvelope.successJSON(list)) == expected, "\(count) streams")
            #expect(MonibucaEnvelope.successJSON(list).readableBytes <= 40 + list.jsonBound)
            let response = MonibucaEnvelope.success(list)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }
}
