import Fixtures
import Foundation
import ParleyWire
import Testing

@Suite("damaged capture files")
struct MalformedCaptureTests {
    func read(_ bytes: [UInt8]) throws -> [PcapRecord] {
        let path = temporaryCapturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try PcapReader(path: path).readAll()
    }

    @Test("every damaged file of the corpus gives a clear error; random flips never trap")
    func corpus() throws {
        let files = MalformedCaptureCorpus.files()
        #expect(files.count >= 20)
        for file in files {
            do {
                let records = try read(file.bytes)
                // A flipped byte may land in a timestamp or payload and leave the file well formed.
                #expect(file.name.contains("flipped"), "\(file.name) read as \(records.count) records")
                for record in records { _ = (record.udpDatagram, record.tcpSegment) }
            } catch let error as PcapError {
                #expect(!error.message.isEmpty, "\(file.name)")
            }
        }
    }

    @Test("libpcap's own reasons are surfaced")
    func reasons() throws {
        let byName = Dictionary(uniqueKeysWithValues: MalformedCaptureCorpus.files().map { ($0.name, $0.bytes) })
        func message(_ name: String) -> String {
            do {
                _ = try read(byName[name] ?? [])
                return "(no error)"
            } catch { return "\(error)" }
        }
        #expect(message("pcap-record-data-truncated").contains("truncated"))
        #expect(message("pcapng-block-length-unaligned").contains("multiple of 4"))
        #expect(message("wrong-magic").contains("unknown file format"))
    }
}
