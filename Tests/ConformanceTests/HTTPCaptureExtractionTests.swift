import Fixtures
import Foundation
import ParleyWire
import Testing

@testable import ParleyConformance

/// A masked client WebSocket frame (RFC 6455 §5.2) with a fixed key.
func clientFrame(_ text: String, opcode: UInt8 = 1, fin: Bool = true) -> [UInt8] {
    let payload = Array(text.utf8)
    let key: [UInt8] = [1, 2, 3, 4]
    precondition(payload.count < 126)
    return [(fin ? 0x80 : 0) | opcode, 0x80 | UInt8(payload.count)] + key
        + payload.enumerated().map { $0.element ^ key[$0.offset & 3] }
}

func serverFrame(_ text: String, opcode: UInt8 = 1) -> [UInt8] {
    let payload = Array(text.utf8)
    if payload.count < 126 { return [0x80 | opcode, UInt8(payload.count)] + payload }
    return [0x80 | opcode, 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] + payload
}

@Suite("HTTP/1.1 and WebSocket extraction from reassembled streams")
struct HTTPCaptureExtractionTests {
    func extract(client: String, server: String, size: Int = 9) -> HTTPCaptureExtractor.Extraction {
        HTTPCaptureExtractor.extract(
            reassemble(conversation(client: Array(client.utf8), server: Array(server.utf8), size: size)))
    }

    @Test("keep-alive pipelining pairs requests and responses in order: Content-Length, chunked, HEAD, 204")
    func pipelined() throws {
        let client =
            "POST /api/v1/meeting HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
            + "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
            + "HEAD /h HTTP/1.1\r\n\r\nDELETE /d HTTP/1.1\r\n\r\n"
        let server =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"meeting\":1}"
            + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n"
        let extraction = extract(client: client, server: server)
        #expect(extraction.problems.isEmpty, "\(extraction.problems)")
        let exchanges = extraction.exchanges
        #expect(exchanges.map(\.request.method) == ["POST", "PUT", "HEAD", "DELETE"])
        #expect(exchanges.map { $0.response?.status } == [200, 201, 200, 204])
        #expect(exchanges[0].request.body == Array("abcd".utf8))
        #expect(exchanges[1].request.body == Array("abcde".utf8))
        #expect(exchanges[1].response?.body == Array("ok".utf8))
        #expect(exchanges[2].response?.body == [])
        #expect(exchanges.map(\.request.microseconds) == exchanges.map(\.request.microseconds).sorted())
    }

    @Test("a 101 upgrade switches to WebSocket frames both ways: masking, fragmentation, close")
    func webSocket() throws {
        let client =
            "GET /ws/room?name=a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        let clientFrames =
            clientFrame("{\"type\":", fin: false) + clientFrame("\"join\"}", opcode: 0)
            + clientFrame("\u{3}\u{e8}", opcode: 8)
        let server =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        let joined = "{\"type\":\"joined\",\"padding\":\"\(String(repeating: "x", count: 200))\"}"
        let serverFrames = serverFrame(joined)
        let segments = conversation(
            client: Array(client.utf8) + clientFrames, server: Array(server.utf8) + serverFrames, size: 11)
        let extraction = HTTPCaptureExtractor.extract(reassemble(segments))
        #expect(extraction.problems.isEmpty, "\(extraction.problems)")
        let exchange = try #require(extraction.exchanges.first)
        #expect(exchange.response?.status == 101)
        let messages = try #require(exchange.webSocketMessages)
        let clientMessages = messages.filter(\.fromClient)
        #expect(clientMessages.map(\.kind) == [.text, .close])
        #expect(clientMessages.first?.payload == Array("{\"type\":\"join\"}".utf8))
        #expect(messages.filter { !$0.fromClient }.map(\.payload) == [Array(joined.utf8)], "a 16-bit length frame")
    }

    @Test("a capture whose server stream is the first one seen still finds the client (midstream)")
    func swappedRoles() throws {
        let segments = conversation(
            client: Array("GET / HTTP/1.1\r\n\r\n".utf8),
            server: Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
        // Drop the handshake and swap the ports so the port heuristic guesses wrong.
        let swapped = segments.dropFirst(3).map { item -> TCPConversationBuilder.Segment in
            var copy = item
            copy.segment.sourcePort = item.segment.sourcePort == 8080 ? 60_000 : 80
            copy.segment.destinationPort = item.segment.destinationPort == 8080 ? 60_000 : 80
            return copy
        }
        let extraction = HTTPCaptureExtractor.extract(reassemble(Array(swapped)))
        #expect(extraction.exchanges.first?.request.target == "/")
        #expect(extraction.exchanges.first?.response?.status == 200)
    }

    @Test("malformed HTTP and gaps give a problem naming the byte, never a trap")
    func problems() throws {
        let bad = extract(client: "GET / HTTP/1.1\r\nContent-Length: -3\r\n\r\n", server: "")
        #expect(bad.problems.first?.message.contains("Content-Length") == true)
        let badChunk = extract(
            client: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", server: "")
        #expect(badChunk.problems.first?.message.contains("chunk size") == true)
        let notHTTP = extract(client: "SSH-2.0-OpenSSH\r\n", server: "SSH-2.0-x\r\n")
        #expect(notHTTP.exchanges.isEmpty && notHTTP.problems.isEmpty, "other protocols are skipped")

        var segments = conversation(
            client: Array("POST /a HTTP/1.1\r\nContent-Length: 30\r\n\r\n012345678901234567890123456789".utf8),
            server: Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8), size: 10)
        segments.remove(at: 6)
        let gapped = HTTPCaptureExtractor.extract(reassemble(segments))
        #expect(gapped.exchanges.isEmpty)
        #expect(gapped.problems.first?.message.contains("gap") == true, "\(gapped.problems)")

        // Every truncation of a valid exchange: no trap, and never a response that was not all there.
        let full = "GET /x HTTP/1.1\r\n\r\n"
        let response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        for cut in 0..<response.utf8.count {
            let extraction = extract(client: full, server: String(response.utf8.prefix(cut))!)
            #expect(extraction.exchanges.first?.response == nil, "cut \(cut)")
        }
    }

    @Test("seeded garbage in both directions never traps")
    func garbage() throws {
        var generator = SeededGenerator(seed: 1818)
        for round in 0..<40 {
            let prefix = round % 2 == 0 ? Array("GET / HTTP/1.1\r\n".utf8) : []
            let client = prefix + generator.bytes(generator.int(below: 400))
            let server = Array("HTTP/1.1 101 OK\r\n\r\n".utf8) + generator.bytes(generator.int(below: 400))
            _ = HTTPCaptureExtractor.extract(reassemble(conversation(client: client, server: server, size: 13)))
        }
    }
}
