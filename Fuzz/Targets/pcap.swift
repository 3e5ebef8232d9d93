// libFuzzer target: capture files (pcap/pcapng through libpcap) and the UDP datagrams inside their frames.
import Glibc
import ParleyWire

/// PcapReader opens paths only; one unlinked temporary file, rewritten per input, is reopened through /proc.
private let memoryFile: CInt = tmpfile().map(fileno) ?? -1

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPcap(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard memoryFile >= 0, ftruncate(memoryFile, 0) == 0, pwrite(memoryFile, data, size, 0) == size else {
        fatalError("temporary file unavailable")
    }
    guard let reader = try? PcapReader(path: "/proc/self/fd/\(memoryFile)") else { return 0 }
    while let record = reader.next() {
        _ = record.udpDatagram
        // Every link type the decoder knows, on the same bytes.
        for linkType in [PcapLinkType.raw, .null, .ethernet, .linuxCooked] {
            _ = CapturedUDPDatagram(frame: record.bytes, linkType: linkType)
        }
    }
    return 0
}
