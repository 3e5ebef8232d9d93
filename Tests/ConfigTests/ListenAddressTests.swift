import Testing
@testable import ParleyConfig

@Suite("ListenAddress parsing")
struct ListenAddressTests {
    @Test(
        "accepted forms parse to host and port",
        arguments: [
            (":8080", "", 8080), ("0.0.0.0:8080", "0.0.0.0", 8080), ("127.0.0.1:0", "127.0.0.1", 0),
            ("[::1]:8080", "::1", 8080), ("localhost:9", "localhost", 9), ("[::]:443", "::", 443),
            ("[fe80::1%eth0]:80", "fe80::1%eth0", 80), ("8080", "", 8080),
            ("my-host.example:65535", "my-host.example", 65535),
        ])
    func accepted(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(try ListenAddress(parsing: address.description) == address)
    }

    @Test(
        "refused forms throw",
        arguments: [
            "", ":", "host", "host:", ":65536", ":-1", ":80x", "::1:8080", "[::1]8080", "[::1", "[]:80",
            "bad host:80", "1.2.3.4:123456",
        ])
    func refused(text: String) {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress(parsing: text) }
    }

    @Test("description brackets IPv6 and keeps an empty host")
    func description() {
        #expect(ListenAddress(host: "::1", port: 8080).description == "[::1]:8080")
        #expect(ListenAddress(host: "", port: 8080).description == ":8080")
        #expect(ListenAddress(host: "10.0.0.1", port: 1).description == "10.0.0.1:1")
    }
}
