import Fixtures
import Foundation
import Logging
import NIOCore
import ParleyConfig
import ParleyJSON
import ParleyRooms
import ParleyStore
import Testing

@testable import ParleyHTTP

/// MiroTalk bodies are written into the response buffer (and /stats without building its object): the bytes must
/// be `JSONValue.serialized`'s, which is `JSON.stringify`'s.
@Suite("MiroTalk replies: buffer-written bodies equal JSON.stringify's")
struct MiroTalkReplyJSONTests {
    /// Values with every kind, nesting, escapes and the number forms of Number::toString.
    static let values: [JSONValue] = {
        let numbers: [Double] = [
            0, -0.0, 1, -1, 0.1, -0.5, 123.456, 1e21, 1e20, 123_456_789_012_345_683_968, 1e-6, 1e-7, 1.5e-7,
            -Double.leastNormalMagnitude * 1.2345678901234567, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            9_007_199_254_740_994, 2.5e+25,
            0.000001234567890123456, -123_456_789_012_345_678_901.0, .nan, .infinity, -.infinity,
        ]
        let strings = [
            "", "plain", "quote \" back \\ slash /", "\u{0}\u{1f}\u{7f}\n\t", "ünï 会議 🎥", "\u{2028}\u{2029}",
        ]
        var values: [JSONValue] = [.null, .bool(true), .bool(false), .array([]), .object(JSONObject())]
        values += numbers.map(JSONValue.number)
        values += strings.map(JSONValue.string)
        values.append(.array(numbers.map(JSONValue.number) + strings.map(JSONValue.string)))
        values.append(
            .object(
                JSONObject(
                    strings.enumerated().map { index, key in (key, index % 2 == 0 ? .number(numbers[index]) : .null) }))
        )
        values.append(.object([("a", .array([.object([("b", .array([.null, .bool(false)]))]), .string("c")]))]))
        return values
    }()

    @Test("jsonBuffer is serialized's bytes for every kind of value")
    func valuesMatchSerialized() {
        for value in Self.values {
            #expect(String(buffer: value.jsonBuffer) == value.serialized, "\(value)")
            #expect(value.jsonBuffer.readableBytes <= value.jsonBound)
        }
        for number in [
            1e-7, -Double.leastNormalMagnitude * 1.2345678901234567, -0.000001234567890123456, .greatestFiniteMagnitude,
        ] {
            #expect(JSONValue.numberText(number).utf8.count <= JSONOutput.numberBound, "\(number)")
        }
    }

    @Test("the static replies and a reply made from a value carry serialized's bytes")
    func replies() {
        let cases: [(MiroTalkReply, JSONValue)] = [
            (.unauthorized, .object([("error", "Unauthorized!")])),
            (.disabledWithSuccess, .object([("success", false), ("error", .string(MiroTalkReply.disabledMessage))])),
            (.internalError, .object([("status", 500), ("message", "Internal server error")])),
        ]
        for (reply, value) in cases {
            #expect(String(buffer: reply.json) == value.serialized)
            #expect(reply.response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test("statsReply writes the object stats built before, for any counts")
    func stats() throws {
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_790_000_000.123))
        let services = ParleyServices(
            config: ParleyConfig(), rooms: InMemoryRoomDirectory(), database: try ParleyDatabase.inMemory(),
            secrets: ResolvedSecrets(apiKeySecret: "k", jwtSecret: "j", authSecret: "a"),
            metrics: ParleyMetrics.registry, clock: clock, logger: Logger(label: "test"))
        let api = MiroTalkAPI(services: services)
        for (rooms, participants) in [(0, 0), (1, 2), (999, 1_000_000), (Int(Int32.max), Int.max), (1 << 53 + 1, 7)] {
            let reply = api.statsReply(RegistryStats(rooms: rooms, participants: participants))
            let expected = JSONValue.object([
                ("success", true),
                ("timestamp", .string(MiroTalkAPI.isoTimestamp(clock.now))),
                ("totalRooms", .number(Double(rooms))),
                ("totalUsers", .number(Double(participants))),
            ])
            #expect(reply.status == .ok)
            #expect(String(buffer: reply.json) == expected.serialized)
            clock.advance(seconds: 86_399.999)
        }
    }
}
