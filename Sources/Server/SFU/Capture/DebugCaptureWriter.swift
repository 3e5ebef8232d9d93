import Dispatch
import Foundation
import ParleyMedia
import ParleyWire
import Synchronization

/// One debug capture on disk: a pcap of decrypted RTP/RTCP as UDP datagrams with the real 5-tuple, and its JSON
/// manifest (docs/capture-format.md). The media loop only timestamps and queues a packet (``record(_:session:)``:
/// one lock, one append); building IP packets and disk I/O happen on the writer's own queue every
/// `flushInterval`, and each batch is flushed to the file, so a crash loses at most one interval. When the queue
/// holds `maxBufferedBytes`, further packets are dropped and counted in the manifest instead of growing memory.
/// `@unchecked Sendable`: `timer` is the only member not Sendable by type; it is resumed once in init and cancelled
/// in `finish` (DispatchSource calls are thread-safe); everything else is immutable, in `pending`'s Mutex or
/// confined to `queue`.
public final class DebugCaptureWriter: @unchecked Sendable {
    public let pcapPath: String
    public let manifestPath: String
    /// RFC 3339 UTC, as in the manifest.
    public let startedAt: String
    let localAddress: STUNAddress
    let maxBytes: UInt64
    let maxBufferedBytes: Int
    let clock: @Sendable () -> Int64
    let queue: DispatchQueue
    let timer: any DispatchSourceTimer

    /// Filled on the media loop, emptied by the writer queue.
    struct Pending {
        var packets: [(session: String, packet: PlaintextPacket, micros: Int64)] = []
        var bytes = 0
        var droppedOverload: UInt64 = 0
    }
    let pending = Mutex(Pending())

    /// Confined to `queue`: the pcap handle and the manifest as it grows.
    final class FileState: @unchecked Sendable {
        var pcap: PcapWriter?
        var manifest: CaptureManifest
        var manifestDirty = true
        var lastManifestWrite: Int64 = 0
        init(pcap: PcapWriter, manifest: CaptureManifest) {
            self.pcap = pcap
            self.manifest = manifest
        }
    }
    let state: FileState

    /// A classic pcap header is 24 bytes; each record adds a 16-byte header.
    static let fileHeaderBytes: UInt64 = 24
    static let recordHeaderBytes: UInt64 = 16
    /// Counters alone are rewritten at most this often (structural changes are written at the next batch).
    static let manifestRefreshMicros: Int64 = 1_000_000

    /// Creates `directory` if needed, opens `<stem>.pcap` and writes `<stem>.json` at once.
    public init(
        directory: String, stem: String, streamPath: String, trigger: String, localAddress: STUNAddress,
        maxBytes: UInt64, maxBufferedBytes: Int = 8 << 20, flushInterval: Duration = .milliseconds(100),
        clock: @escaping @Sendable () -> Int64 = DebugCaptureWriter.wallClockMicros
    ) throws(CaptureError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create capture.dir \(directory): \(error.localizedDescription)")
        }
        pcapPath = directory + "/" + stem + ".pcap"
        manifestPath = directory + "/" + stem + ".json"
        guard !FileManager.default.fileExists(atPath: pcapPath) else {
            throw .storage("\(pcapPath) exists already")
        }
        let pcap: PcapWriter
        do {
            pcap = try PcapWriter(path: pcapPath, linkType: .raw)
            try pcap.flush()
        } catch {
            throw .storage("cannot open \(pcapPath): \(error)")
        }
        self.localAddress = localAddress
        self.maxBytes = maxBytes
        self.maxBufferedBytes = maxBufferedBytes
        self.clock = clock
        startedAt = Self.rfc3339(micros: clock())
        var manifest = CaptureManifest(
            pcapFile: stem + ".pcap", streamPath: streamPath, trigger: trigger,
            startedAt: startedAt, serverAddress: localAddress.description)
        manifest.counters.pcapBytes = Self.fileHeaderBytes
        state = FileState(pcap: pcap, manifest: manifest)
        queue = DispatchQueue(label: "parley.capture.\(stem)")
        timer = DispatchSource.makeTimerSource(queue: queue)
        do {
            try writeManifest()
        } catch {
            pcap.close()
            throw error
        }
        let nanoseconds =
            Int(flushInterval.components.seconds) * 1_000_000_000
            + Int(flushInterval.components.attoseconds / 1_000_000_000)
        timer.schedule(
            deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(max(1_000_000, nanoseconds)))
        timer.setEventHandler { [self] in drain() }
        timer.resume()
    }

    public static let wallClockMicros: @Sendable () -> Int64 = {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }

    // MARK: - on the media loop

    /// Queues one packet of `session` (cheap: a timestamp, a lock, an append); dropped and counted when full.
    public func record(_ packet: PlaintextPacket, session: String) {
        let micros = clock()
        pending.withLock { pending in
            guard pending.bytes + packet.bytes.count <= maxBufferedBytes else {
                pending.droppedOverload += 1
                return
            }
            pending.bytes += packet.bytes.count
            pending.packets.append((session, packet, micros))
        }
    }

    /// A session joins the capture (its streams go into the manifest).
    public func attach(_ session: CaptureManifest.Session) {
        queue.async { [state] in
            if let index = state.manifest.sessions.firstIndex(where: { $0.sessionID == session.sessionID }) {
                state.manifest.sessions[index].detachedAt = nil
            } else {
                state.manifest.sessions.append(session)
            }
            state.manifestDirty = true
        }
    }

    /// A session left the path (closed) or the capture stopped following it.
    public func detach(session id: String) {
        let micros = clock()
        queue.async { [self] in
            drainLocked()
            guard let index = state.manifest.sessions.firstIndex(where: { $0.sessionID == id }) else { return }
            state.manifest.sessions[index].detachedAt = Self.rfc3339(micros: micros)
            state.manifestDirty = true
        }
    }

    // MARK: - stopping (off the loop: it waits for the disk)

    /// Writes what is queued, marks the manifest complete and closes both files. Returns the final manifest.
    public func finish(reason: String) -> CaptureManifest {
        let micros = clock()
        timer.cancel()
        return queue.sync {
            drainLocked()
            let stoppedAt = Self.rfc3339(micros: micros)
            for index in state.manifest.sessions.indices where state.manifest.sessions[index].detachedAt == nil {
                state.manifest.sessions[index].detachedAt = stoppedAt
            }
            state.manifest.stoppedAt = stoppedAt
            state.manifest.stopReason = reason
            state.manifest.complete = true
            state.pcap?.close()
            state.pcap = nil
            try? writeManifest()
            return state.manifest
        }
    }

    /// The manifest as the writer queue has it now.
    public func snapshot() -> CaptureManifest { queue.sync { state.manifest } }

    /// Writes everything queued now and waits for it (tests; the timer does this every `flushInterval`).
    public func flushNow() { queue.sync { drainLocked() } }

    // MARK: - on the writer queue

    func drain() { drainLocked() }

    /// Must run on `queue`.
    func drainLocked() {
        let (batch, overload) = pending.withLock { pending in
            defer {
                pending.packets.removeAll(keepingCapacity: true)
                pending.bytes = 0
                pending.droppedOverload = 0
            }
            return (pending.packets, pending.droppedOverload)
        }
        state.manifest.counters.droppedOverload += overload
        if overload > 0 { state.manifestDirty = true }
        for (session, packet, micros) in batch { write(packet, session: session, micros: micros) }
        if !batch.isEmpty, let pcap = state.pcap {
            do {
                try pcap.flush()
            } catch {
                noteWriteError("\(error)")
            }
        }
        let now = clock()
        if state.manifestDirty || (!batch.isEmpty && now - state.lastManifestWrite >= Self.manifestRefreshMicros) {
            try? writeManifest()
            state.lastManifestWrite = now
        }
    }

    func write(_ packet: PlaintextPacket, session: String, micros: Int64) {
        let datagram =
            switch packet.direction {
            case .received:
                CapturedUDPDatagram(
                    sourceAddress: packet.remote.ip, sourcePort: packet.remote.port,
                    destinationAddress: localAddress.ip, destinationPort: localAddress.port, payload: packet.bytes)
            case .sent:
                CapturedUDPDatagram(
                    sourceAddress: localAddress.ip, sourcePort: localAddress.port,
                    destinationAddress: packet.remote.ip, destinationPort: packet.remote.port, payload: packet.bytes)
            }
        guard let frame = datagram.rawIPPacket() else { return }
        let size = Self.recordHeaderBytes + UInt64(frame.count)
        guard state.manifest.counters.pcapBytes + size <= maxBytes else {
            if state.manifest.counters.droppedMaxBytes == 0 { state.manifestDirty = true }
            state.manifest.counters.droppedMaxBytes += 1
            return
        }
        guard let pcap = state.pcap, state.manifest.counters.writeError == nil else {
            state.manifest.counters.droppedWriteError += 1
            return
        }
        do {
            try pcap.write(frame, timestamp: PcapTimestamp(totalMicroseconds: micros))
        } catch {
            noteWriteError("\(error)")
            return
        }
        state.manifest.counters.records += 1
        state.manifest.counters.pcapBytes += size
        account(packet, session: session)
    }

    /// Per-stream counts, and the SSRCs and the peer address learnt from the packets themselves.
    func account(_ packet: PlaintextPacket, session id: String) {
        guard let index = state.manifest.sessions.firstIndex(where: { $0.sessionID == id }) else { return }
        if state.manifest.sessions[index].remoteAddress == nil {
            state.manifest.sessions[index].remoteAddress = packet.remote.description
            state.manifestDirty = true
        }
        if packet.isRTCP {
            switch packet.direction {
            case .received: state.manifest.sessions[index].rtcpReceived += 1
            case .sent: state.manifest.sessions[index].rtcpSent += 1
            }
            return
        }
        // RFC 3550 §5.1: version 2, payload type in the low 7 bits of byte 1, SSRC at bytes 8..<12.
        let bytes = packet.bytes
        guard bytes.count >= 12, bytes[0] >> 6 == 2 else { return }
        let payloadType = bytes[1] & 0x7f
        let ssrc = UInt32(bytes[8]) << 24 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 8 | UInt32(bytes[11])
        let direction = packet.direction.rawValue
        for stream in state.manifest.sessions[index].streams.indices {
            var entry = state.manifest.sessions[index].streams[stream]
            guard entry.direction == direction else { continue }
            if entry.payloadType == payloadType {
                if entry.ssrc == nil {
                    entry.ssrc = ssrc
                    state.manifestDirty = true
                }
            } else if entry.rtxPayloadType == payloadType {
                if entry.rtxSSRC == nil {
                    entry.rtxSSRC = ssrc
                    state.manifestDirty = true
                }
            } else {
                continue
            }
            entry.packets += 1
            entry.bytes += UInt64(bytes.count)
            state.manifest.sessions[index].streams[stream] = entry
            return
        }
    }

    func noteWriteError(_ message: String) {
        guard state.manifest.counters.writeError == nil else { return }
        state.manifest.counters.writeError = message
        state.manifestDirty = true
    }

    /// Written to a temporary name and renamed, so a reader never sees half a manifest.
    func writeManifest() throws(CaptureError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(state.manifest)
            let temporary = manifestPath + ".tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            // POSIX rename(2) replaces atomically (FileManager.replaceItemAt does not on Linux).
            guard rename(temporary, manifestPath) == 0 else {
                throw CaptureError.storage("rename to \(manifestPath): errno \(errno)")
            }
            state.manifestDirty = false
        } catch let error as CaptureError {
            throw error
        } catch {
            throw .storage("cannot write \(manifestPath): \(error.localizedDescription)")
        }
    }

    /// RFC 3339 UTC with milliseconds, e.g. 2026-12-06T05:40:00.123Z.
    static func rfc3339(micros: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
    }
}
