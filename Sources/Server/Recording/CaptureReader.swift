import Foundation
import ParleyWire

/// Reads a debug capture (docs/capture-format.md) into the publisher tracks it holds: the manifest says which
/// SSRCs are a publisher's received streams; the pcap gives their RTP packets (RTX unwrapped) and RTCP sender
/// reports. A capture cut short by a crash (`complete: false`, a pcap truncated mid-record) is read as far as it goes.
enum CaptureReader {
    static func readManifest(at path: String) throws(RecordingError) -> CaptureManifest {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .manifestUnreadable("\(path): \(error.localizedDescription)")
        }
        let manifest: CaptureManifest
        do { manifest = try JSONDecoder().decode(CaptureManifest.self, from: data) } catch {
            throw .manifestUnreadable("\(path): \(error)")
        }
        guard manifest.format == CaptureManifest.formatName else {
            throw .manifestUnreadable(
                "\(path): format is \"\(manifest.format)\", not \"\(CaptureManifest.formatName)\"")
        }
        guard manifest.version <= CaptureManifest.currentVersion else {
            throw .unsupportedManifestVersion(manifest.version)
        }
        return manifest
    }

    /// Every recordable publisher track of the capture, with its packets (possibly none).
    static func readTracks(manifest: CaptureManifest, manifestPath: String) throws(RecordingError) -> [CapturedTrack] {
        var tracks: [CapturedTrack] = []
        for session in manifest.sessions where session.kind == "publisher" {
            for stream in session.streams
            where stream.direction == "received" && stream.ssrc != nil
                && RecordedCodec(encodingName: stream.codec) != nil
            {
                tracks.append(CapturedTrack(stream: stream))
            }
        }
        guard !tracks.isEmpty else { throw .noRecordableTrack }

        var bySSRC: [UInt32: Int] = [:]
        var byRTXSSRC: [UInt32: Int] = [:]
        for (index, track) in tracks.enumerated() {
            if let ssrc = track.stream.ssrc { bySSRC[ssrc] = index }
            if let rtx = track.stream.rtxSSRC { byRTXSSRC[rtx] = index }
        }
        // The pcap sits beside the manifest; only its file name is taken, so a manifest cannot point elsewhere.
        let directory = (manifestPath as NSString).deletingLastPathComponent
        let pcapName = (manifest.pcapFile as NSString).lastPathComponent
        let pcapPath = directory.isEmpty ? pcapName : directory + "/" + pcapName
        let reader: PcapReader
        do { reader = try PcapReader(path: pcapPath) } catch { throw .pcapUnreadable("\(error)") }
        defer { reader.close() }
        let server = ServerEndpoint(manifest.serverAddress)

        // A damaged or truncated record ends the loop (reader.error says why); what came before is kept.
        while let record = reader.next() {
            guard let datagram = record.udpDatagram else { continue }
            // Only what peers sent to the server: the server's own sent streams are the players' copies.
            if let server, !server.matches(datagram.destinationAddress, datagram.destinationPort) { continue }
            let bytes = datagram.payload
            switch RTPOrRTCP.classify(bytes) {
            case .rtp:
                guard let packet = try? RTPPacket.parse(bytes) else { continue }
                let arrival = record.timestamp.totalMicroseconds
                if let index = bySSRC[packet.ssrc], packet.payloadType == tracks[index].stream.payloadType {
                    tracks[index].packets.append(
                        CapturedRTPPacket(
                            arrivalMicros: arrival, sequenceNumber: packet.sequenceNumber,
                            timestamp: packet.timestamp, marker: packet.marker, payload: packet.payload))
                } else if let index = byRTXSSRC[packet.ssrc] {
                    // RFC 4588 §4: the original sequence number, then the original payload.
                    guard packet.payload.count > 2 else { continue }
                    let original = UInt16(packet.payload[0]) << 8 | UInt16(packet.payload[1])
                    tracks[index].packets.append(
                        CapturedRTPPacket(
                            arrivalMicros: arrival, sequenceNumber: original, timestamp: packet.timestamp,
                            marker: packet.marker, payload: Array(packet.payload[2...])))
                }
            case .rtcp:
                guard let packets = try? RTCPCompound.parse(bytes) else { continue }
                for case .senderReport(let report) in packets {
                    guard let index = bySSRC[report.ssrc] else { continue }
                    tracks[index].senderReports.append(
                        SenderReportMapping(ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp))
                }
            case nil:
                continue
            }
        }
        return tracks
    }
}

/// The server end of every captured 5-tuple (`ip:port` or `[v6]:port`).
struct ServerEndpoint: Sendable, Hashable {
    var address: IPAddress
    var port: UInt16

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let address = IPAddress(host) else { return nil }
        self.address = address
        self.port = port
    }

    func matches(_ address: IPAddress, _ port: UInt16) -> Bool {
        // A server bound to the wildcard address records its real local address; accept any when it is 0.0.0.0/::.
        (self.address == address || self.address.bytes.allSatisfy { $0 == 0 }) && self.port == port
    }
}
