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
        let heads = [
            "", "/", "//", "api", "v1", "config", "meeting", "mp4", "transcode", "rtmp", "room", "webrtc", "x",
        ]
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
        paths += [
            "/api", "/api/v1", "/api/v10", "/apix/v1", "/meeting", "/meeting/apis", "/transcode", "/transcode/api",
        ]
        for path in paths {
            #expect(MonibucaPaths.usesEnvelope(path) == envelopeBySegments(path), "\(path)")
        }
    }

    @Test("normalize leaves an already normal path as it is and rebuilds the others as before")
    func normalizedPaths() {
        func rebuilt(_ path: String) -> String {
            let joined = "/" + MonibucaPaths.segments(of: path).joined(separator: "/")
            return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
        }
        let paths = [
            "", "/", "//", "///", "/api", "/api/", "/api//streams", "//api/streams", "api/streams", "/api/streams//",
            "/meeting/api/rooms/r1", "/a/b/c/", "/é/ü", "/api/streams/",
        ]
        for path in paths { #expect(MonibucaPaths.normalize(path) == rebuilt(path), "\(path)") }
    }

    @Test("Authorization: the byte reading of the Bearer scheme agrees with the Character reading")
    func bearerScheme() {
        /// The Character-based reading the byte path stands in for.
        func byCharacters(_ field: String) -> AuthorizationCredential {
            var value = Substring(field)
            while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
            while let last = value.last, last == " " || last == "\t" { value.removeLast() }
            if value.isEmpty { return .empty }
            if value.count >= 6, value.prefix(6).lowercased() == "bearer",
                value.count == 6 || value.dropFirst(6).first == " " || value.dropFirst(6).first == "\t"
            {
                var token = value.dropFirst(6)
                while let first = token.first, first == " " || first == "\t" { token.removeFirst() }
                return token.isEmpty ? .empty : .bearer(String(token))
            }
            return .raw(String(value))
        }
        let fields = [
            "Bearer abc", "bearer abc", "BEARER\tabc", "Bearer", "Bearer ", "Bearerabc", "Bear", "bearer  x.y.z ",
            "Basic dXNlcg==", "Bearer é", "Beaŕer x", "Bearer \u{301}x", "Bearer\u{301} x", "  Bearer   t  ", "b",
            "@earer x", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl",
            "Bearer x\u{301}", "Bearer\t\u{301}", "Bearer xé", "bearer\u{200D}x", "Bearer é.y", "Beare\u{301}r x",
        ]
        for field in fields { #expect(AuthorizationCredential(field) == byCharacters(field), "\(field)") }
    }

    /// Collects what a handler writes.
    final class Lines: TextOutputStream, @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func write(_ string: String) { lock.withLock { text += string } }
        /// Each line without its leading timestamp (the two handlers may straddle a second).
        var withoutTimestamps: [String] {
            lock.withLock { text }.split(separator: "\n").map {
                $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
            }
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
