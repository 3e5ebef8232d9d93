import Foundation
import GRDB

extension MeetingStore {
    /// Recordings, newest first, optionally of one room.
    public func recordings(roomID: String? = nil) throws -> [MeetingRecordingRecord] {
        try database.writer.read { db in
            var request = MeetingRecordingRecord.all()
            if let roomID { request = request.filter(Column("room_id") == roomID) }
            return try request.order(Column("created_at").desc, Column("id")).fetchAll(db)
        }
    }

    public func recording(_ id: String) throws -> MeetingRecordingRecord? {
        try database.writer.read { db in try MeetingRecordingRecord.fetchOne(db, key: id) }
    }

    /// Adds a recording (the recorder does so when one starts, in state `recording`) and returns it as stored: a row
    /// without a ``MeetingRecordingRecord/number`` gets the next one.
    @discardableResult
    public func insertRecording(_ recording: MeetingRecordingRecord) throws -> MeetingRecordingRecord {
        try database.writer.write { db in
            var row = recording
            if row.number == nil {
                let highest = try Int64.fetchOne(db, sql: "SELECT MAX(number) FROM meeting_recordings") ?? 0
                row.number = highest + 1
            }
            try row.insert(db)
            return row
        }
    }

    /// The recording with Monibuca v5 id `number`.
    public func recording(number: Int64) throws -> MeetingRecordingRecord? {
        try database.writer.read { db in
            try MeetingRecordingRecord.filter(Column("number") == number).fetchOne(db)
        }
    }

    /// Writes a recording's row as given (committed before this returns). ``MeetingStoreError/recordingNotFound``
    /// when the row is gone (deleted meanwhile).
    public func updateRecording(_ recording: MeetingRecordingRecord) throws {
        try database.writer.write { db in
            guard try MeetingRecordingRecord.exists(db, key: recording.id) else {
                throw MeetingStoreError.recordingNotFound
            }
            try recording.update(db)
        }
    }

    /// Recordings in one of `states`, oldest first (start-up recovery of `recording`/`processing` rows).
    public func recordings(inStates states: [String]) throws -> [MeetingRecordingRecord] {
        try database.writer.read { db in
            try MeetingRecordingRecord.filter(states.contains(Column("state")))
                .order(Column("created_at"), Column("id")).fetchAll(db)
        }
    }

    /// Deletes the row and its file in one transaction: if the file cannot be removed (other than being gone
    /// already) the row stays. ``MeetingStoreError/recordingNotFound`` for an unknown id.
    public func deleteRecording(_ id: String, in directory: URL) throws -> MeetingRecordingRecord {
        try database.writer.write { db in
            guard let recording = try MeetingRecordingRecord.fetchOne(db, key: id) else {
                throw MeetingStoreError.recordingNotFound
            }
            try MeetingRecordingRecord.deleteOne(db, key: id)
            // A recorded row owns `<directory>/<id>/`: its files and raw captures go with it.
            let target =
                recording.managed && RecordingFiles.isSafeName(recording.id, maxLength: 64)
                ? directory.appendingPathComponent(recording.id)
                : RecordingFiles.resolve(recording.fileName, in: directory)
            if let url = target {
                do {
                    try FileManager.default.removeItem(at: url)
                } catch CocoaError.fileNoSuchFile {
                    // Already gone: the catalogue just catches up.
                } catch  where !FileManager.default.fileExists(atPath: url.path) {
                    // Some platforms report a missing file with another code.
                }
            }
            return recording
        }
    }

    /// Brings the catalogue in line with `<directory>/{room_id}/{file}`: new files get a row (with a fresh opaque
    /// id), changed sizes are updated, rows whose file is gone are dropped. Names outside the identifier grammar
    /// and hidden files (a recorder's work in progress) are ignored, and so are the recorder's own rows and their
    /// `<directory>/<id>/` directories, which it keeps up to date itself.
    @discardableResult
    public func syncRecordings(directory: URL) throws -> [MeetingRecordingRecord] {
        let scanned = RecordingFiles.scan(directory)
        return try database.writer.write { db in
            var byName: [String: MeetingRecordingRecord] = [:]
            var recorded = Set<String>()
            for row in try MeetingRecordingRecord.fetchAll(db) {
                if row.managed { recorded.insert(row.id) } else { byName[row.fileName] = row }
            }
            for file in scanned where !recorded.contains(file.roomID) {
                if var row = byName.removeValue(forKey: file.fileName) {
                    if row.sizeBytes != file.sizeBytes {
                        row.sizeBytes = file.sizeBytes
                        try row.update(db)
                    }
                } else {
                    try MeetingRecordingRecord(
                        id: Self.newID(), roomID: file.roomID, fileName: file.fileName,
                        streamPath: nil, sizeBytes: file.sizeBytes,
                        contentType: RecordingFiles.contentType(of: file.fileName),
                        durationSeconds: nil, createdAt: file.modifiedAt
                    ).insert(db)
                }
            }
            for stale in byName.values { try stale.delete(db) }
            return try MeetingRecordingRecord.order(Column("created_at").desc, Column("id")).fetchAll(db)
        }
    }
}

/// The layout of `<data_dir>/recordings/`: one directory per room, files inside.
public enum RecordingFiles {
    public struct Found: Sendable, Equatable {
        public var roomID: String
        public var fileName: String
        public var sizeBytes: Int64
        public var modifiedAt: Date
    }

    /// `[A-Za-z0-9._~-]`, 1-128 characters, not starting with `.` (no hidden files, no `.`/`..`).
    public static func isSafeName(_ name: some StringProtocol, maxLength: Int = 128) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, first != UInt8(ascii: "."), bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// The file for a catalogue name `{room}/{file}`, or nil when the name could leave the directory.
    public static func resolve(_ fileName: String, in directory: URL) -> URL? {
        let parts = fileName.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, isSafeName(parts[0], maxLength: 64), isSafeName(parts[1]) else { return nil }
        return directory.appendingPathComponent(String(parts[0])).appendingPathComponent(String(parts[1]))
    }

    public static func scan(_ directory: URL) -> [Found] {
        let manager = FileManager.default
        guard let rooms = try? manager.contentsOfDirectory(atPath: directory.path) else { return [] }
        var found: [Found] = []
        for room in rooms.sorted() where isSafeName(room, maxLength: 64) {
            let roomDirectory = directory.appendingPathComponent(room)
            guard let files = try? manager.contentsOfDirectory(atPath: roomDirectory.path) else { continue }
            for file in files.sorted() where isSafeName(file) {
                let path = roomDirectory.appendingPathComponent(file).path
                guard let attributes = try? manager.attributesOfItem(atPath: path),
                    attributes[.type] as? FileAttributeType == .typeRegular
                else { continue }
                let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
                let modified = attributes[.modificationDate] as? Date ?? Date()
                found.append(Found(roomID: room, fileName: "\(room)/\(file)", sizeBytes: size, modifiedAt: modified))
            }
        }
        return found
    }

    public static func contentType(of fileName: String) -> String {
        switch fileName.split(separator: ".").last.map({ $0.lowercased() }) {
        case "mp4", "m4v": "video/mp4"
        case "m4a": "audio/mp4"
        case "webm": "video/webm"
        case "mkv": "video/x-matroska"
        case "ogg", "opus": "audio/ogg"
        case "wav": "audio/wav"
        case "ivf": "video/x-ivf"
        case "pcap": "application/vnd.tcpdump.pcap"
        default: "application/octet-stream"
        }
    }
}
