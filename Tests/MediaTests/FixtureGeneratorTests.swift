import Fixtures
import Foundation
import ParleyMedia
import ParleyWire
import Testing

@Suite("Sources/Fixtures generators: deterministic streams, captures and samples")
struct FixtureGeneratorTests {
    @Test("an RTP train has continuous sequence numbers and timestamps across wrap, known losses and ordered times")
    func rtpTrain() {
        let train = RTPTrain(
            ssrc: 9, payloadType: 111, firstSequence: 65_530, firstTimestamp: UInt32.max - 960, jitterMicros: 5_000,
            loss: .bursts(starts: [3, 10], length: 2))
        let packets = train.packets(count: 20)
        #expect(packets.map(\.packet.sequenceNumber) == (0..<20).map { 65_530 &+ UInt16($0) })
        #expect(packets[1].packet.timestamp == UInt32.max && packets[2].packet.timestamp == 959)
        #expect(packets.indices.filter { !packets[$0].delivered } == [3, 4, 10, 11])
        #expect(zip(packets, packets.dropFirst()).allSatisfy { $0.offsetMicros <= $1.offsetMicros })
        #expect(packets.last!.offsetMicros >= 19 * 20_000 && packets.last!.offsetMicros <= 19 * 20_000 + 5_000)
        #expect(train.packets(count: 20) == packets) // same seed, same packets
        #expect(LossPattern.everyNth(5).lostIndices(count: 12) == [4, 9])
        let random = LossPattern.random(percent: 10, seed: 42).lostIndices(count: 1000)
        #expect(random == LossPattern.random(percent: 10, seed: 42).lostIndices(count: 1000))
        #expect((60...140).contains(random.count))
    }

    @Test("an Opus tone stream decodes to its tone; a beep is silent between beeps")
    func opusStreams() throws {
        let tone = try OpusRTPStream.packets(.tone(frequency: 660), seconds: 1)
        #expect(tone.count == 50 && tone[1].packet.timestamp &- tone[0].packet.timestamp == 960)
        let decoder = try ParleyMedia.OpusDecoder(channels: 1)
        var samples: [Int16] = []
        for packet in tone { samples += try decoder.decode(packet.packet.payload) }
        let strongest = ToneAnalysis.strongest(
            in: Array(samples[24_000..<36_000]), candidates: stride(from: 400.0, through: 900, by: 20).map { $0 })
        #expect(strongest == 660)
        #expect(try OpusRTPStream.packets(.tone(frequency: 660), seconds: 1) == tone)

        let beep = OpusRTPStream.pcm(.beep(frequency: 440, onMillis: 100, offMillis: 100), frames: 10)
        #expect(beep[0].contains { $0 != 0 } && beep[5].allSatisfy { $0 == 0 } && beep[9].allSatisfy { $0 == 0 })
    }

    @Test("VP8 frames: keyframes carry the start code, frames end on the marker, packets share a frame timestamp")
    func vp8() {
        let packets = VP8Frames(keyframeInterval: 10, frameBytes: 1500, maxPayload: 1100).packets(frames: 20)
        let firsts = packets.filter { $0.packet.payload[0] & 0x10 != 0 }
        #expect(firsts.count == 20)
        let keyframes = firsts.filter { $0.packet.payload[1] & 0x01 == 0 }
        #expect(keyframes.count == 2 && keyframes.allSatisfy { Array($0.packet.payload[4...6]) == [0x9d, 0x01, 0x2a] })
        #expect(packets.filter(\.packet.marker).count == 20)
        #expect(packets.allSatisfy { $0.packet.payload.count <= 1100 })
        let frame0 = packets.prefix { !$0.packet.marker }.map(\.packet.timestamp)
        #expect(Set(frame0).count == 1 && frame0.count >= 5) // a 6000-byte keyframe in 1099-byte chunks
    }

    @Test("fixture pcaps of every link type read back through libpcap as the same datagrams")
    func pcapFixtures() throws {
        let source = STUNAddress(ip: try #require(IPAddress("127.0.0.1")), port: 5004)
        let destination = STUNAddress(ip: try #require(IPAddress("127.0.0.2")), port: 9000)
        let packets = PcapFixture.packets(
            RTPTrain(ssrc: 1, payloadType: 111, loss: .everyNth(3)).packets(count: 9), from: source, to: destination)
        #expect(packets.count == 6)
        for link in CaptureLinkFraming.supported {
            for (format, bytes) in [
                ("pcap", PcapFixture.pcap(packets, link: link)), ("pcapng", PcapFixture.pcapng(packets, link: link)),
            ] {
                let path = try PcapFixture.writeTemporary(bytes, name: "f.\(format)")
                defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
                let records = try PcapReader(path: path).readAll()
                #expect(records.map(\.udpDatagram) == packets.map(\.datagram), "\(link) \(format)")
                #expect(records.map(\.timestamp.totalMicroseconds) == packets.map(\.timestampMicros))
            }
        }
    }

    @Test("a fixture capture is a pcap and a manifest in the server's format")
    func captureFixture() throws {
        let fixture = CaptureFixture(streams: [try .opusTone(seconds: 0.5), .vp8(frames: 5)])
        let directory = NSTemporaryDirectory() + "parley-capture-fixture-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (pcap, manifestPath) = try fixture.write(to: directory)
        let manifest = try JSONDecoder().decode(
            CaptureManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        #expect(
            manifest
                == {
                    var m = fixture.manifest; m.pcapFile = "fixture.pcap"; return m
                }())
        let records = try PcapReader(path: pcap).readAll()
        #expect(UInt64(records.count) == manifest.counters.records)
        #expect(manifest.sessions[0].streams.map(\.packets).reduce(0, +) == manifest.counters.records)
        #expect(manifest.sessions[0].streams.map(\.codec) == ["opus", "VP8"])
        #expect(records.map(\.timestamp) == records.map(\.timestamp).sorted())
    }

    @Test("STUN and SDP samples parse, and the offer is one the server accepts")
    func signalling() throws {
        let request = SignallingSamples.bindingRequest(localUfrag: "abcd", remoteUfrag: "wxyz", password: "pw")
        #expect(request == SignallingSamples.bindingRequest(localUfrag: "abcd", remoteUfrag: "wxyz", password: "pw"))
        let message = try STUNMessage.parse(request)
        #expect(message.username == "wxyz:abcd")
        let fingerprint = Array(repeating: "AB", count: 32).joined(separator: ":")
        let offer = try SessionDescription.parse(SignallingSamples.offer(fingerprint: fingerprint))
        let accepted = try SDPNegotiation.accept(offer: offer, intent: .publish)
        #expect(accepted.tracks.map(\.codec.family) == [.opus, .vp8])
        #expect(accepted.tracks[1].declaredSSRCs == [2005, 3005])
    }
}
