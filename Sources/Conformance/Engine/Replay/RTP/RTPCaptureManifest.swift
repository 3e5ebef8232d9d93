import Foundation
import ParleyWire

/// The manifest Parley's debug capture writes beside its pcap (docs/capture-format.md, format `parley-capture`
/// version 1): read here only for what a replay needs, ignoring keys it does not know, as that document asks.
struct RTPCaptureManifest: Decodable {
    var format: String
    var version: Int
    var serverAddress: String?
    var sessions: [Session]

    struct Session: Decodable {
        var sessionID: String
        var kind: String
        var streams: [Stream]

        enum CodingKeys: String, CodingKey {
            case kind, streams
            case sessionID = "session_id"
        }
    }

    struct Stream: Decodable {
        var direction: String
        var media: String
        var ssrc: UInt32?
        var payloadType: UInt8
        var codec: String
        var clockRate: Int
        var headerExtensions: [Extension]?
        var offeredHeaderExtensions: [Extension]?

        enum CodingKeys: String, CodingKey {
            case direction, media, ssrc, codec
            case payloadType = "payload_type"
            case clockRate = "clock_rate"
            case headerExtensions = "header_extensions"
            case offeredHeaderExtensions = "offered_header_extensions"
        }
    }

    struct Extension: Decodable {
        var id: Int
        var uri: String
    }

    enum CodingKeys: String, CodingKey {
        case format, version, sessions
        case serverAddress = "server_address"
    }

    static let knownVersion = 1

    /// `capture.json` beside `capture.pcap` (same stem); nil when there is none.
    static func path(besides capture: String) -> String {
        (capture as NSString).deletingPathExtension + ".json"
    }

    static func load(path: String) throws -> RTPCaptureManifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let manifest: RTPCaptureManifest
        do { manifest = try JSONDecoder().decode(RTPCaptureManifest.self, from: data) } catch {
            throw PcapError("\(path): not a capture manifest: \(error)")
        }
        guard manifest.format == "parley-capture" else {
            throw PcapError("\(path): format \"\(manifest.format)\" is not parley-capture")
        }
        guard manifest.version <= knownVersion else {
            throw PcapError("\(path): manifest version \(manifest.version) is newer than \(knownVersion)")
        }
        return manifest
    }

    /// The streams the manifest describes, taken from what the heuristics found (same SSRC, any flow): only
    /// publishers' received streams replay; the server's sent streams are its output, not input.
    func streams(from found: [ReplayStream], notes: inout [String]) -> [ReplayStream] {
        var result: [ReplayStream] = []
        var sent = 0
        for session in sessions {
            for described in session.streams {
                guard described.direction == "received" else {
                    sent += 1
                    continue
                }
                guard let ssrc = described.ssrc, var stream = found.first(where: { $0.ssrc == ssrc }) else {
                    notes.append("manifest: \(described.media) stream of session \(session.sessionID) has no packets")
                    continue
                }
                stream.index = result.count + 1
                stream.kind = described.media == "video" ? .video : .audio
                stream.codec = described.codec
                stream.clockRate = described.clockRate
                stream.clockRateSource = .manifest
                stream.sessionKey = session.sessionID
                stream.packets = stream.packets.filter { $0.payloadType == described.payloadType }
                stream.payloadType = described.payloadType
                var uris: [UInt8: String] = [:]
                for item in (described.offeredHeaderExtensions ?? []) + (described.headerExtensions ?? []) {
                    if let id = UInt8(exactly: item.id) { uris[id] = item.uri }
                }
                stream.extensionURIs = uris
                if !Self.replayableCodecs.contains(described.codec.lowercased()) {
                    stream.unreplayableReason =
                        "cannot: \(described.codec) is not offered by the runner's client (Opus and VP8 only)"
                } else {
                    stream.unreplayableReason = nil // the manifest's packets are decrypted (docs/capture-format.md)
                }
                notes.append(
                    "stream \(stream.index): SSRC \(ReplayStream.hex(ssrc)) from the manifest (session \(session.sessionID)), "
                        + "PT \(described.payloadType), \(stream.packets.count) packets, \(stream.kind.rawValue) "
                        + "\(described.codec) at \(described.clockRate) Hz (manifest)")
                result.append(stream)
            }
        }
        if sent > 0 {
            notes.append("manifest: \(sent) sent streams (server → player) are the server's output: not replayed")
        }
        return result
    }

    static let replayableCodecs: Set<String> = ["opus", "vp8"]
}
