import Foundation
import Logging
import Testing

@testable import ParleyHTTP

/// The per-request shortcuts give the answers of the general code they stand in for.
@Suite("Hot path: shortcuts equal the general code")
struct HotPathEquivalenceTests {
    /// `usesEnvelope` as written on the full segment list (its definition before the in-place reading).
    private func envelopeBySegments(_ path: String) -> Bool {
        let parts = MonibucaPaths.segments(of: path)
        guard let first = parts.first else { return false }
        if first == "api" { return !MonibucaPaths.isMiroTalk(parts) }
        if first == "config" { return true }
        if first == "meeting" { return parts.count >= 2 && parts[1] == "api" }
        if first == "mp4" { return true }
        return MonibucaPaths.module(for: parts) != nil
    }

    @Test("usesEnvelope reads the leading segments as the full split does")
    func envelopeClassification() {
        let heads = ["", "/", "//", "api", "v1", "config", "meeting", "mp4", "transcode", "rtmp", "room", "webrtc", "x"]
        var paths: [String] = []
        for a in heads {
            for b in heads {
                for tail in ["", "/", "/streams", "//deep/er"] {
                    paths.append("/" + a + "/" + b + tail)
                    paths.append("//" + a + "//" + b + tail)
                    paths.append(a + "/" + b + tail)
                }
            }
        }
        paths += ["/api", "/api/v1", "/api/v10", "/apix/v1", "/meeting", "/meeting/apis", "/transcode", "/transcode/api"]
        for path in paths {
            #expect(MonibucaPaths.usesEnvelope(path) == envelopeBySegments(path), "\(path)")
        }
    }

    /// Collects what a handler writes.
    final class Lines: TextOutputStream, @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func write(_ string: String) { lock.withLock { text += string } }
        /// Each line without its leading timestamp (the two handlers may straddle a second).
        var withoutTimestamps: [String] {
            lock.withLock { text }.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        }
    }

    @Test("DeferredMetadataLogHandler writes StreamLogHandler's lines")
    func logLines() {
        let plainLines = Lines()
        let deferredLines = Lines()
        var plain = Logger(label: "parley") { StreamLogHandler(label: $0, stream: plainLines, metadataProvider: nil) }
        var deferred = Logger(label: "parley") {
            DeferredMetadataLogHandler(
                wrapping: StreamLogHandler(label: $0, stream: deferredLines, metadataProvider: nil))
        }
        for logger in [plain, deferred] {
            logger.info("no metadata at all")
            logger.warning("line metadata only", metadata: ["b": "2", "a": "1"])
        }
        for index in 0..<2 {
            var logger = index == 0 ? plain : deferred
            logger.logLevel = .debug
            logger[metadataKey: "hb.request.id"] = "abc"
            logger[metadataKey: "zeta"] = .stringConvertible(42)
            logger.debug("handler metadata")
            logger.error("both, the line's value wins", metadata: ["zeta": "line", "alpha": ["x", "y"]])
            logger[metadataKey: "zeta"] = nil
            logger.trace("below the level: not written")
            logger.info("after removal", metadata: [:])
            if index == 0 { plain = logger } else { deferred = logger }
        }
        #expect(deferred[metadataKey: "hb.request.id"] == "abc")
        #expect(deferred.logLevel == .debug)
        #expect(plainLines.withoutTimestamps.count == 5)
        #expect(deferredLines.withoutTimestamps == plainLines.withoutTimestamps)
    }
}
