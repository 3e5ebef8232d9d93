import Foundation
import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite("Debug capture: decrypted RTP/RTCP into a pcap with a manifest", .serialized)
struct DebugCaptureTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "parley-capture-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func readManifest(_ path: String) throws -> CaptureManifest {
        try JSONDecoder().decode(CaptureManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("a capture of a path records the publisher's RTP as received and the player's as sent, in the clear")
    func capturesBothDirections() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = try VirtualNetwork()
        net.core.captures.settings = CaptureSettings(directory: directory)
        let publisher = try TestClient(port: 40_100, payloadType: 111)
        let player = try TestClient(port: 40_101, payloadType: 96)
        let extmap = "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
        var video = VideoOffer.vp8()
        video.lines.append(extmap)
        try net.open(.publisher, path: "live/cap", client: publisher, video: video)
        try net.connect(publisher)
        // Started while the publisher is live: it joins at once; the player joins when it opens.
        let info = try net.core.startCapture(path: "live/cap", trigger: "api")
        #expect(throws: CaptureError.alreadyCapturing("live/cap")) {
            try net.core.startCapture(path: "live/cap", trigger: "api")
        }
        try net.open(.subscriber, path: "live/cap", client: player, video: .vp8(100))
        try net.connect(player)

        var payloads: [[UInt8]] = []
        for index in 0..<10 {
            let payload = Array("captured \(index)".utf8)
            payloads.append(payload)
            net.toServer(try publisher.nextProtectedRTP(ssrc: 0xAABB_CCDD, payload: payload), from: publisher)
            net.toServer(try publisher.nextProtectedVideo(ssrc: 0x0BAD_CAFE), from: publisher)
            net.pump()
        }
        net.advance(by: .seconds(2)) // RTCP reports both ways
        let writer = try #require(net.core.stopCapture(path: "live/cap"))
        let manifest = writer.finish(reason: "test")
        #expect(net.core.captures.active.isEmpty)

        // The manifest on disk is the final one.
        #expect(try readManifest(info.manifestPath) == manifest)
        #expect(manifest.format == "parley-capture" && manifest.version == 1 && manifest.complete)
        #expect(manifest.streamPath == "live/cap" && manifest.trigger == "api" && manifest.linkType == "RAW")
        #expect(manifest.serverAddress == "127.0.0.1:9000")
        #expect(manifest.counters.droppedOverload == 0 && manifest.counters.droppedMaxBytes == 0)
        let published = try #require(manifest.sessions.first { $0.kind == "publisher" })
        #expect(published.remoteAddress == "127.0.0.1:40100")
        let audioIn = try #require(published.streams.first { $0.media == "audio" })
        #expect(audioIn.direction == "received" && audioIn.codec == "opus" && audioIn.clockRate == 48_000)
        #expect(audioIn.payloadType == 111 && audioIn.ssrc == 0xAABB_CCDD && audioIn.packets == 10)
        #expect(audioIn.channels == 2 && audioIn.mid == "0")
        let videoIn = try #require(published.streams.first { $0.media == "video" })
        #expect(videoIn.codec == "VP8" && videoIn.clockRate == 90_000 && videoIn.rtxPayloadType == 98)
        #expect(videoIn.ssrc == 0x0BAD_CAFE && videoIn.packets == 10)
        #expect(
            videoIn.offeredHeaderExtensions == [
                .init(id: 3, uri: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time")
            ])
        let played = try #require(manifest.sessions.first { $0.kind == "subscriber" })
        let audioOut = try #require(played.streams.first { $0.media == "audio" })
        #expect(audioOut.direction == "sent" && audioOut.payloadType == 96)
        #expect(
            audioOut.ssrc == player.declaredSSRC("audio")
                && audioOut.packets == UInt64(player.receivedRTP.filter { $0.payloadType == 96 }.count))
        #expect(published.rtcpSent > 0)

        // The pcap: every record a UDP datagram with the real 5-tuple, payloads in the clear.
        let records = try PcapReader(path: info.pcapPath).readAll()
        #expect(UInt64(records.count) == manifest.counters.records)
        let datagrams = records.compactMap(\.udpDatagram)
        #expect(datagrams.count == records.count)
        let fromPublisher = datagrams.filter { $0.sourcePort == 40_100 && $0.destinationPort == 9000 }
        let received = fromPublisher.compactMap { try? RTPPacket.parse($0.payload) }.filter { $0.ssrc == 0xAABB_CCDD }
        #expect(received.map(\.payload) == payloads)
        let toPlayer = datagrams.filter { $0.sourcePort == 9000 && $0.destinationPort == 40_101 }
        let sentAudio = toPlayer.compactMap { try? RTPPacket.parse($0.payload) }.filter { $0.payloadType == 96 }
        #expect(sentAudio.map(\.payload) == payloads)
        #expect(records.map(\.timestamp) == records.map(\.timestamp).sorted())
    }

    @Test("max_bytes bounds the pcap: later records are dropped and counted; the manifest is readable mid-capture")
    func maxBytesAndManifestWhileRunning() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let local = STUNAddress(ip: try #require(IPAddress("127.0.0.1")), port: 9000)
        let remote = STUNAddress(ip: try #require(IPAddress("127.0.0.1")), port: 5004)
        // Header (24) + two records of 16 + 20 + 8 + 100 bytes each fit; the third does not.
        let writer = try DebugCaptureWriter(
            directory: directory, stem: "bounded", streamPath: "live/b", trigger: "api", localAddress: local,
            maxBytes: 24 + 2 * 144 + 10, clock: { 1_700_000_000_000_000 })
        let running = try readManifest(writer.manifestPath)
        #expect(!running.complete && running.startedAt == "2023-11-14T22:13:20.000Z" && running.sessions.isEmpty)
        writer.attach(
            CaptureManifest.Session(
                sessionID: "s1", kind: "publisher", attachedAt: running.startedAt,
                streams: [
                    .init(
                        direction: "received", media: "audio", mid: "0", ssrc: nil, rtxSSRC: nil, payloadType: 111,
                        rtxPayloadType: nil, codec: "opus", clockRate: 48_000, channels: 2, fmtp: "minptime=10")
                ]))
        for sequence in 0..<5 {
            let packet = RTPPacket(
                payloadType: 111, sequenceNumber: UInt16(sequence), timestamp: 0, ssrc: 42,
                payload: [UInt8](repeating: 7, count: 88))
            writer.record(
                PlaintextPacket(direction: .received, isRTCP: false, bytes: packet.encode(), remote: remote),
                session: "s1")
        }
        writer.flushNow()
        let midway = try readManifest(writer.manifestPath)
        #expect(!midway.complete && midway.counters.records == 2 && midway.counters.droppedMaxBytes == 3)
        #expect(midway.sessions.first?.streams.first?.ssrc == 42)
        #expect(try PcapReader(path: writer.pcapPath).readAll().count == 2) // readable before stop
        let final = writer.finish(reason: "test")
        #expect(final.complete && final.stopReason == "test" && final.counters.pcapBytes == 24 + 2 * 144)
        #expect(final.sessions.first?.streams.first?.packets == 2)
    }

    @Test("a full buffer drops packets on the media loop and the manifest counts them")
    func overloadIsCounted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let local = STUNAddress(ip: try #require(IPAddress("::1")), port: 9000)
        let remote = STUNAddress(ip: try #require(IPAddress("::1")), port: 5004)
        let writer = try DebugCaptureWriter(
            directory: directory, stem: "overload", streamPath: "live/o", trigger: "config", localAddress: local,
            maxBytes: 1 << 20, maxBufferedBytes: 250, flushInterval: .seconds(60))
        for _ in 0..<4 {
            writer.record(
                PlaintextPacket(
                    direction: .sent, isRTCP: true, bytes: [UInt8](repeating: 0x80, count: 100), remote: remote),
                session: "unknown")
        }
        let final = writer.finish(reason: "test")
        #expect(final.counters.records == 2 && final.counters.droppedOverload == 2)
        let datagrams = try PcapReader(path: writer.pcapPath).readAll().compactMap(\.udpDatagram)
        #expect(
            datagrams.count == 2 && datagrams.allSatisfy { $0.sourceAddress == local.ip && $0.destinationPort == 5004 })
    }

    @Test("captures beyond the open limit are refused; the directory must be writable")
    func limits() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = try VirtualNetwork()
        net.core.captures.settings = CaptureSettings(directory: directory, maxOpen: 2)
        _ = try net.core.startCapture(path: "a", trigger: "api")
        _ = try net.core.startCapture(path: "b", trigger: "api")
        #expect(throws: CaptureError.tooMany(2)) { try net.core.startCapture(path: "c", trigger: "api") }
        for path in ["a", "b"] { _ = net.core.stopCapture(path: path)?.finish(reason: "test") }
        #expect(net.core.stopCapture(path: "a") == nil)
        net.core.captures.settings = CaptureSettings(directory: "/proc/parley-no-such-dir")
        #expect(throws: CaptureError.self) { try net.core.startCapture(path: "d", trigger: "api") }
    }

    @Test("capture.paths starts a capture with a path's first session and ends it with its last")
    func configuredPaths() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = try VirtualNetwork()
        net.core.captures.settings = CaptureSettings(enabled: true, paths: ["room/*/cam"], directory: directory)
        let publisher = try TestClient(port: 40_110, payloadType: 111)
        let session = try net.open(.publisher, path: "room/r1/cam", client: publisher)
        let capture = try #require(net.core.captures.active["room/r1/cam"])
        #expect(capture.trigger == "config")
        let other = try TestClient(port: 40_111, payloadType: 111)
        try net.open(.publisher, path: "room/r1/screen", client: other)
        #expect(net.core.captures.active["room/r1/screen"] == nil)
        net.core.close(session.id, now: net.now, reason: "test")
        #expect(net.core.captures.active["room/r1/cam"] == nil)
        // The writer finishes off the loop; its manifest turns complete shortly.
        var complete = false
        for _ in 0..<100 where !complete {
            Thread.sleep(forTimeInterval: 0.05)
            complete = (try? readManifest(capture.info.manifestPath))?.complete ?? false
        }
        #expect(complete)
    }

    @Test(
        "stream path globs",
        arguments: [
            ("live/*", "live/a", true), ("live/*", "live/a/b", false), ("live/**", "live/a/b", true),
            ("room/?/cam", "room/1/cam", true), ("room/?/cam", "room/12/cam", false), ("*", "", true),
            ("exact", "exact", true), ("exact", "exacter", false), ("**", "any/thing", true),
        ])
    func globs(pattern: String, path: String, matches: Bool) {
        #expect(StreamPathGlob.matches(pattern, path) == matches)
    }
}
