#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import CShims
import NIOCore

/// Writes a fan-out slice straight to the media socket with one sendmmsg(2) (CShims send_datagrams.c): the
/// datagrams point into the slice's buffer, and their descriptions and addresses live in storage allocated
/// once. NIO's write path (a pipeline pass, an envelope copy and a pending-write entry per datagram) cost more
/// than the encryption of each copy. The socket is the plane's own, bound before NIO adopts it
/// (``bindSocket(host:port:)``); only the plane's loop calls ``send(_:slots:)``.
final class FanOutSocket {
    let descriptor: CInt
    let capacity: Int
    private let datagrams: UnsafeMutablePointer<parley_datagram>
    private let names: UnsafeMutablePointer<sockaddr_storage>

    init(descriptor: CInt, capacity: Int) {
        precondition(capacity <= Int(PARLEY_SEND_DATAGRAMS_MAX))
        self.descriptor = descriptor
        self.capacity = capacity
        datagrams = .allocate(capacity: capacity)
        datagrams.initialize(repeating: parley_datagram(), count: capacity)
        names = .allocate(capacity: capacity)
        names.initialize(repeating: sockaddr_storage(), count: capacity)
    }

    deinit {
        datagrams.deallocate()
        names.deallocate()
    }

    /// Sends `slots` (at most `capacity`, each indexing `buffer` from its start) in order; returns how many the
    /// kernel took. Fewer only when the socket's send buffer is full: the caller queues the rest.
    func send(_ buffer: ByteBuffer, slots: ArraySlice<(address: SocketAddress, start: Int, length: Int)>) -> Int {
        precondition(slots.count <= capacity)
        return buffer.withUnsafeReadableBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            let origin = base - buffer.readerIndex
            var count = 0
            for slot in slots {
                let name = UnsafeMutableRawPointer(names + count)
                let size = slot.address.withSockAddr { address, size -> Int in
                    let copied = min(size, MemoryLayout<sockaddr_storage>.size)
                    name.copyMemory(from: address, byteCount: copied)
                    return copied
                }
                datagrams[count] = parley_datagram(
                    bytes: origin + slot.start, length: slot.length,
                    address: UnsafePointer(name.assumingMemoryBound(to: sockaddr.self)),
                    address_length: socklen_t(size))
                count += 1
            }
            return Int(parley_send_datagrams(descriptor, datagrams, UInt32(count)))
        }
    }

    /// A UDP socket bound to `host`:`port` (non-blocking, close-on-exec, no SO_REUSEADDR), for NIO to adopt.
    /// Throws NIO's `IOError` with the errno, so EADDRINUSE reads as it did when NIO bound the port.
    static func bindSocket(host: String, port: Int) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let descriptor = socket(
            address.protocol.rawValue,
            CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue),
            CInt(IPPROTO_UDP))
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        let bound = address.withSockAddr { pointer, size in bind(descriptor, pointer, socklen_t(size)) }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind")
        }
        return descriptor
    }
}
