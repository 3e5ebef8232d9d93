import Testing
@testable import ParleyConfig

@Suite("capture.* keys")
struct CaptureConfigTests {
    @Test("sizes: bytes, binary and decimal units; anything else is refused with the key named")
    func sizes() throws {
        #expect(ByteSize.parse("200MiB") == 200 << 20 && ByteSize.parse("1GB") == 1_000_000_000)
        #expect(ByteSize.parse("4096") == 4096 && ByteSize.parse("2 KiB") == 2048)
        #expect(ByteSize.parse("lots") == nil && ByteSize.parse("-1") == nil && ByteSize.parse("99999999999GiB") == nil)
        let config = try ConfigLoader.load(
            yaml: "capture: {enabled: true, paths: [live/**], dir: /tmp/c, max_bytes: 1MB}")
        #expect(config.capture.maxByteCount == 1_000_000 && config.capture.directory(dataDir: "x") == "/tmp/c")
        #expect(config.capture.paths == ["live/**"])
        do {
            _ = try ConfigLoader.load(yaml: "capture:\n  max_bytes: lots\n")
            Issue.record("accepted max_bytes: lots")
        } catch {
            #expect("\(error)".contains("capture.max_bytes"))
        }
        #expect(throws: (any Error).self) { try ConfigLoader.load(yaml: "capture: {max_bytes: 10}") }
        #expect(throws: (any Error).self) { try ConfigLoader.load(yaml: "capture: {unknown: 1}") }
    }
}
