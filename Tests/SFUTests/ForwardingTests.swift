import Foundation
import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite("Media plane in virtual time: WHIP publisher → WHEP subscriber", .serialized)
struct ForwardingTests {
    /// The SSRC the WHEP answer declares (a=ssrc), which forwarded packets must carry.
    func declaredSSRC(_ client: TestClient) throws -> UInt32 {
        let section = try #require(client.answer?.media.first { $0.port != 0 })
        return try #require(section.ssrcs.first?.ssrc)
    }

    @Test("a publisher's RTP reaches the subscriber with its declared SSRC, its offered PT and continuous seq/ts")
    func forwardsWithRewrite() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 40_000, payloadType: 111)
        let subscriber = try TestClient(port: 40_001, payloadType: 96)
        try net.open(.publisher, path: "live/a", client: publisher)
        try net.connect(publisher)
        try net.open(.subscriber, path: "live/a", client: subscriber)
        try net.connect(subscriber)

        var payloads: [[UInt8]] = []
        for index in 0..<20 {
            let payload = Array("frame \(index)".utf8)
            payloads.append(payload)
            net.toServer(try publisher.nextProtectedRTP(payload: payload), from: publisher)
            net.pump()
        }
        let received = subscriber.receivedRTP
        #expect(received.count == 20)
        #expect(received.map(\.payload) == payloads)
        let ssrc = try declaredSSRC(subscriber)
        #expect(received.allSatisfy { $0.ssrc == ssrc && $0.payloadType == 96 })
        for (previous, next) in zip(received, received.dropFirst()) {
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
            #expect(next.timestamp == previous.timestamp &+ 960)
        }
        #expect(net.core.sessions.count == 2)
    }

    @Test("loss and reordering on both legs: the handshake recovers and forwarded gaps and order are preserved")
    func lossAndReordering() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 40_010)
        let subscriber = try TestClient(port: 40_011)
        // Lose the first DTLS flight each way and hold back every 5th datagram.
        var lostFlights = 0
        net.filter = { index, bytes, _ in
            if PacketKind.classify(bytes) == .dtls, lostFlights < 2 {
                lostFlights += 1
                return .drop
            }
            return index % 5 == 0 ? .hold : .deliver
        }
        try net.open(.publisher, path: "live/lossy", client: publisher)
        try net.connect(publisher)
        try net.open(.subscriber, path: "live/lossy", client: subscriber)
        try net.connect(subscriber)
        #expect(lostFlights == 2)

        // Media: drop publisher packets 3 and 7, swap 10 and 11.
        net.filter = { _, _, _ in .deliver }
        var packets: [[UInt8]] = []
        for _ in 0..<15 { packets.append(try publisher.nextProtectedRTP()) }
        let order = [0, 1, 2, 4, 5, 6, 8, 9, 11, 10, 12, 13, 14]
        for index in order { net.toServer(packets[index], from: publisher) }
        net.pump()
        let received = subscriber.receivedRTP
        #expect(received.count == order.count)
        let first = try #require(received.first?.sequenceNumber)
        let offsets = received.map { Int($0.sequenceNumber &- first) }
        #expect(offsets == order)
        let firstTimestamp = try #require(received.first?.timestamp)
        #expect(received.map { Int(($0.timestamp &- firstTimestamp) / 960) } == order)
    }

    @Test("a tampered SRTP packet is dropped, counted, and not forwarded")
    func tamperedSRTP() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 40_020)
        let subscriber = try TestClient(port: 40_021)
        try net.open(.publisher, path: "live/t", client: publisher)
        try net.connect(publisher)
        try net.open(.subscriber, path: "live/t", client: subscriber)
        try net.connect(subscriber)
        var tampered = try publisher.nextProtectedRTP()
        tampered[tampered.count - 12] ^= 0x40
        net.toServer(tampered, from: publisher)
        net.pump()
        #expect(net.core.droppedSRTPPackets == 1)
        #expect(subscriber.receivedRTP.isEmpty)
        net.toServer(try publisher.nextProtectedRTP(), from: publisher)
        net.pump()
        #expect(subscriber.receivedRTP.count == 1)
        #expect(net.core.droppedSRTPPackets == 1)
    }

    @Test("a client whose certificate does not match its SDP fingerprint is refused and its session ends")
    func fingerprintMismatch() throws {
        let net = try VirtualNetwork()
        let honest = try TestClient(port: 40_030)
        let impostor = try TestClient(port: 40_030)
        net.clients[honest.address] = impostor
        let offer = try honest.offer(direction: "sendonly") // advertises the honest client's fingerprint
        let session = try net.core.open(kind: .publisher, path: "live/fp", offer: offer, now: net.now)
        try impostor.accept(answer: session.answer, now: net.now)
        // The impostor presents its own certificate but uses the honest client's ICE credentials.
        let check = { (useCandidate: Bool) -> [UInt8] in
            let message = STUNMessage(
                type: .bindingRequest, transactionID: .random(),
                attributes: [
                    .username("\(session.localCredentials.ufrag):\(honest.credentials.ufrag)"), .priority(1),
                    .iceControlling(tieBreaker: 1),
                ] + (useCandidate ? [.useCandidate] : []))
            return message.encode(
                integrityKey: STUNIntegrity.shortTermKey(password: session.localCredentials.pwd),
                fingerprint: true)
        }
        net.toServer(check(false), from: impostor)
        net.toServer(check(true), from: impostor)
        net.pump()
        #expect(!impostor.isConnected)
        #expect(net.core.sessions[session.id] == nil)
        #expect(net.ended.map(\.id) == [session.id])
        #expect(net.core.publisherByPath["live/fp"] == nil)
    }

    @Test("a vanished publisher is dropped after the consent timeout; a live one survives it")
    func consentDropsVanishedPeer() throws {
        let net = try VirtualNetwork(consentTimeout: .seconds(10))
        let publisher = try TestClient(port: 40_040)
        let subscriber = try TestClient(port: 40_041)
        let published = try net.open(.publisher, path: "live/c", client: publisher)
        try net.connect(publisher)
        let played = try net.open(.subscriber, path: "live/c", client: subscriber)
        try net.connect(subscriber)
        // Only the subscriber keeps checking (every 2.5 s, as Chrome does).
        for _ in 0..<6 {
            net.toServer(subscriber.bindingRequest(useCandidate: true), from: subscriber)
            net.advance(by: .milliseconds(2500))
        }
        #expect(net.core.sessions[published.id] == nil)
        #expect(net.core.sessions[played.id] != nil)
        #expect(net.ended.map(\.kind) == [.publisher])
        #expect(net.core.publisherByPath["live/c"] == nil)
    }

    @Test("closing the publisher stops forwarding at once and sends close_notify")
    func deleteStopsMedia() throws {
        let net = try VirtualNetwork()
        let publisher = try TestClient(port: 40_050)
        let subscriber = try TestClient(port: 40_051)
        let published = try net.open(.publisher, path: "live/d", client: publisher)
        try net.connect(publisher)
        try net.open(.subscriber, path: "live/d", client: subscriber)
        try net.connect(subscriber)
        net.toServer(try publisher.nextProtectedRTP(), from: publisher)
        net.pump()
        #expect(subscriber.receivedRTP.count == 1)
        #expect(net.core.close(published.id, now: net.now, reason: "test", notify: false) != nil)
        net.pump()
        #expect(publisher.dtls?.state == .closed)
        net.toServer(try publisher.nextProtectedRTP(), from: publisher)
        net.pump()
        #expect(subscriber.receivedRTP.count == 1)
        #expect(net.ended.isEmpty)
    }

    @Test("path rules: a second publisher is refused, a player needs a publisher")
    func pathRules() throws {
        let net = try VirtualNetwork()
        let first = try TestClient(port: 40_060)
        let second = try TestClient(port: 40_061)
        let player = try TestClient(port: 40_062)
        #expect(throws: MediaPlaneError.noPublisher) {
            try net.core.open(
                kind: .subscriber, path: "live/p", offer: try player.offer(direction: "recvonly"), now: net.now)
        }
        try net.open(.publisher, path: "live/p", client: first)
        #expect(throws: MediaPlaneError.pathBusy) {
            try net.core.open(
                kind: .publisher, path: "live/p", offer: try second.offer(direction: "sendonly"), now: net.now)
        }
    }
}
