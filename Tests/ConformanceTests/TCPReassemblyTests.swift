import Fixtures
import Foundation
import ParleyWire
import Testing

@testable import ParleyConformance

/// A conversation: request from the client, response from the server, in segments of `size` bytes.
func conversation(
    client: [UInt8], server: [UInt8], size: Int = 7, address: String = "127.0.0.1", clientISN: UInt32 = 1000
) -> [TCPConversationBuilder.Segment] {
    let ip = IPAddress(address)!
    var builder = TCPConversationBuilder(client: (ip, 51_000), server: (ip, 8080), clientISN: clientISN)
    builder.handshake()
    builder.send(client, fromClient: true, segmentSize: size)
    builder.send(server, fromClient: false, segmentSize: size)
    builder.close()
    return builder.segments
}

func reassemble(_ segments: [TCPConversationBuilder.Segment], limits: TCPStreamLimits = TCPStreamLimits())
    -> [TCPConnection]
{
    var reassembler = TCPReassembler(limits: limits)
    for item in segments { reassembler.add(item.segment, microseconds: item.microseconds) }
    return reassembler.finish()
}

@Suite("TCP reassembly")
struct TCPReassemblyTests {
    let request = Array("GET /api/v1/stats HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
    let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".utf8)

    @Test("in-order segments give both byte streams and the roles from the SYN")
    func inOrder() throws {
        let connections = reassemble(conversation(client: request, server: response))
        let connection = try #require(connections.first)
        #expect(connections.count == 1)
        #expect(connection.clientToServer.bytes == request && connection.serverToClient.bytes == response)
        #expect(connection.client.port == 51_000 && connection.rolesFromHandshake)
        #expect(connection.clientToServer.isComplete && connection.serverToClient.sawFIN)
    }

    @Test("shuffled, duplicated and overlapping segments reassemble to the same bytes (seeded)")
    func shuffledAndRetransmitted() throws {
        var generator = SeededGenerator(seed: 42)
        for round in 0..<20 {
            var segments = conversation(client: request, server: response, size: 3 + round % 5)
            let handshake = Array(segments.prefix(3))
            var rest = Array(segments.dropFirst(3))
            // Retransmit some segments, and add overlapping copies that straddle two originals.
            for _ in 0..<5 {
                let pick = rest[generator.int(below: rest.count)]
                rest.append(pick)
                var overlap = pick
                if overlap.segment.payload.count > 2 {
                    overlap.segment.sequenceNumber &+= 1
                    overlap.segment.payload.removeFirst()
                    rest.append(overlap)
                }
            }
            rest.shuffle(using: &generator)
            segments = handshake + rest
            let connection = try #require(reassemble(segments).first)
            #expect(connection.clientToServer.bytes == request, "round \(round)")
            #expect(connection.serverToClient.bytes == response, "round \(round)")
            #expect(connection.clientToServer.conflictingBytes == 0)
            #expect(connection.clientToServer.gaps.isEmpty && connection.serverToClient.gaps.isEmpty)
        }
    }

    @Test("sequence numbers wrap around 2^32")
    func wrap() throws {
        let segments = conversation(client: request, server: response, size: 5, clientISN: 0xffff_fff0)
        #expect(reassemble(segments).first?.clientToServer.bytes == request)
    }

    @Test("a conflicting retransmission keeps the first copy and is counted")
    func conflicting() throws {
        var segments = conversation(client: request, server: response, size: 10)
        var forged = segments[3]
        forged.segment.payload = [UInt8](repeating: 0x41, count: forged.segment.payload.count)
        segments.insert(forged, at: 5)
        let connection = try #require(reassemble(segments).first)
        #expect(connection.clientToServer.bytes == request)
        #expect(connection.clientToServer.conflictingBytes > 0)
    }

    @Test("a lost segment becomes a gap at the right offset; the data after it is kept")
    func gap() throws {
        var segments = conversation(client: request, server: response, size: 10)
        let lost = segments.remove(at: 4) // the client's second data segment: bytes 10..<20
        let connection = try #require(reassemble(segments).first)
        #expect(
            connection.clientToServer.gaps == [TCPDirectionStream.Gap(offset: 10, length: lost.segment.payload.count)])
        #expect(connection.clientToServer.bytes == Array(request[..<10] + request[20...]))
        #expect(!connection.clientToServer.isComplete)
    }

    @Test("an attacker-sized gap or flood is dropped within the limits, not buffered")
    func boundedMemory() throws {
        let limits = TCPStreamLimits(maxStreamBytes: 1 << 16, maxPendingBytes: 4096, maxWindow: 1 << 20)
        var segments = conversation(client: request, server: response, size: 10)
        var far = segments[3]
        far.segment.sequenceNumber &+= 0x4000_0000 // a gigabyte ahead
        segments.insert(far, at: 4)
        // 100 out-of-order segments of 1000 bytes just inside the window: only 4 fit the pending budget.
        for index in 0..<100 {
            var flood = segments[3]
            flood.segment.sequenceNumber &+= UInt32(10_000 + index * 1000)
            flood.segment.payload = [UInt8](repeating: 0, count: 1000)
            segments.insert(flood, at: 4)
        }
        let connection = try #require(reassemble(segments, limits: limits).first)
        let stream = connection.clientToServer
        #expect(stream.bytes.starts(with: request))
        #expect(stream.bytes.count <= request.count + 4096)
        #expect(stream.droppedBytes >= 96 * 1000 + far.segment.payload.count)
    }

    @Test("a capture that starts mid-connection guesses the roles from the ports")
    func midstream() throws {
        let segments = Array(conversation(client: request, server: response).dropFirst(3))
        let connection = try #require(reassemble(segments).first)
        #expect(!connection.rolesFromHandshake && connection.server.port == 8080)
        #expect(connection.clientToServer.startedMidstream && connection.clientToServer.bytes == request)
    }

    @Test("a new SYN on the same ports after FIN opens a second connection; RST ends one")
    func portReuse() throws {
        let first = conversation(client: request, server: response)
        var second = conversation(client: request, server: response, clientISN: 900_000)
        for index in second.indices { second[index].microseconds += 1_000_000 }
        let connections = reassemble(first + second)
        #expect(connections.count == 2)
        #expect(connections.allSatisfy { $0.clientToServer.bytes == request })
    }

    @Test("IPv6 conversations reassemble like IPv4 ones; 10k segments stay fast")
    func ipv6AndScale() throws {
        let big = [UInt8](repeating: 0x61, count: 200_000)
        let segments = conversation(client: big, server: response, size: 20, address: "::1")
        let started = Date()
        var shuffled = Array(segments.dropFirst(3))
        var generator = SeededGenerator(seed: 7)
        // Local reordering, as networks do: swap neighbours.
        for index in stride(from: 0, to: shuffled.count - 1, by: 2) where generator.int(below: 2) == 0 {
            shuffled.swapAt(index, index + 1)
        }
        let connection = try #require(reassemble(Array(segments.prefix(3)) + shuffled).first)
        #expect(connection.clientToServer.bytes == big)
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
