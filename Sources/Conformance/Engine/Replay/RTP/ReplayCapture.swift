import Foundation
import ParleyWire

/// A capture opened for replay: its records and the RTP streams found in them.
public struct ReplayCapture: Sendable {
    public var records: [PcapRecord]
    public var discovery: RTPStreamDiscovery.Result

    /// Reads every record (a file damaged part-way keeps what came before, with a note saying where it stopped)
    /// and finds the streams, decrypting SRTP ones with `srtpKeys`. Throws when nothing at all can be read.
    public static func load(path: String, srtpKeys: [SRTPCaptureKey] = []) throws -> ReplayCapture {
        let reader: PcapReader
        do { reader = try PcapReader(path: path) } catch {
            throw PcapError("\(path): unreadable capture: \(error)")
        }
        var records: [PcapRecord] = []
        while let record = reader.next() { records.append(record) }
        if let error = reader.error, records.isEmpty {
            throw PcapError("\(path): unreadable capture: \(error)")
        }
        var discovery = RTPStreamDiscovery().discover(records)
        let manifestPath = RTPCaptureManifest.path(besides: path)
        if manifestPath != path, FileManager.default.fileExists(atPath: manifestPath) {
            let manifest = try RTPCaptureManifest.load(path: manifestPath)
            var notes = [
                "manifest \(manifestPath) describes the streams (heuristics: \(discovery.streams.count) found)"
            ]
            let candidates = RTPStreamDiscovery.permissive.discover(records).streams
            discovery.streams = manifest.streams(from: candidates, notes: &notes)
            discovery.notes = notes
        }
        discovery.notes.insert(
            "\(path): \(records.count) records, link type \(reader.linkType)", at: 0)
        if let error = reader.error {
            discovery.notes.insert("the capture is damaged after record \(records.count): \(error)", at: 1)
        }
        discovery.decrypt(with: srtpKeys)
        return ReplayCapture(records: records, discovery: discovery)
    }
}
