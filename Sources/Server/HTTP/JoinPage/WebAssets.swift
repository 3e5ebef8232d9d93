import Foundation
import NIOCore

/// The join page's files, read once at start-up into memory (a few tens of KiB): served without a disk read, with
/// a strong validator per file.
public struct WebAssets: Sendable {
    public struct Asset: Sendable {
        public let bytes: ByteBuffer
        public let contentType: String
        /// RFC 9110 §8.8.3: a strong entity tag, the FNV-1a 64 hash of the bytes.
        public let etag: String
    }

    /// File name → asset. Names are flat (`join.js`), never paths: a request can name nothing outside the set.
    public let files: [String: Asset]

    public init(files: [String: Asset]) {
        self.files = files
    }

    /// Every regular file directly in `directory` whose extension has a known type.
    public static func load(directory: String) -> WebAssets {
        var files: [String: Asset] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names {
            guard let type = contentType(for: name),
                let data = FileManager.default.contents(atPath: directory + "/" + name)
            else { continue }
            files[name] = asset(Array(data), contentType: type)
        }
        return WebAssets(files: files)
    }

    public static func asset(_ bytes: [UInt8], contentType: String) -> Asset {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return Asset(
            bytes: ByteBuffer(bytes: bytes), contentType: contentType,
            etag: "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\"")
    }

    /// The media types of the files the page consists of; anything else is not served.
    static func contentType(for name: String) -> String? {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        // RFC 9239 §6: JavaScript modules are text/javascript.
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: nil
        }
    }
}
