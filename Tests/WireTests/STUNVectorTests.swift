import Fixtures
import Testing
@testable import ParleyWire

/// RFC 5769 test vectors (ParleyWire's copy, as printed in the RFC) and the short-term key they are signed with.
typealias RFC5769 = RFC5769Vectors

extension RFC5769Vectors {
    static var shortTermKey: [UInt8] { STUNIntegrity.shortTermKey(password: password) }
}

@Suite("STUN RFC 5769 test vectors")
struct STUNVectorTests {
    @Test("§2.1 sample request parses into its ICE attributes")
    func sampleRequestAttributes() throws {
        let message = try STUNMessage.parse(RFC5769.request)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID.bytes == hexBytes("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"))
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.username == "evtj:h6vY")
        #expect(message.hasMessageIntegrity && message.hasFingerprint)
        #expect(STUNMessage.isSTUN(RFC5769.request))
    }

    @Test("§2.1 sample request: MESSAGE-INTEGRITY verifies with the password, FINGERPRINT verifies")
    func sampleRequestVerifies() throws {
        let message = try STUNMessage.parse(RFC5769.request)
        #expect(message.verifyMessageIntegrity(key: RFC5769.shortTermKey))
        #expect(message.verifyFingerprint())
        #expect(!message.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBu")))
    }

    @Test("§2.1 sample request re-encodes to the exact RFC bytes")
    func sampleRequestReencodes() throws {
        let message = try STUNMessage.parse(RFC5769.request)
        #expect(message.encode(integrityKey: RFC5769.shortTermKey, fingerprint: true) == RFC5769.request)
    }

    @Test(
        "§2.2 IPv4 response: XOR-MAPPED-ADDRESS is 192.0.2.1:32853, integrity and fingerprint verify, exact re-encode")
    func ipv4Response() throws {
        let message = try STUNMessage.parse(RFC5769.ipv4Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == STUNAddress(ip: try #require(IPAddress("192.0.2.1")), port: 32853))
        #expect(message.verifyMessageIntegrity(key: RFC5769.shortTermKey))
        #expect(message.verifyFingerprint())
        #expect(message.encode(integrityKey: RFC5769.shortTermKey, fingerprint: true) == RFC5769.ipv4Response)
    }

    @Test("§2.3 IPv6 response: XOR-MAPPED-ADDRESS is [2001:db8:1234:5678:11:2233:4455:6677]:32853, exact re-encode")
    func ipv6Response() throws {
        let message = try STUNMessage.parse(RFC5769.ipv6Response)
        let address = try #require(message.xorMappedAddress)
        #expect(address.ip == IPAddress("2001:db8:1234:5678:11:2233:4455:6677"))
        #expect(address.port == 32853)
        #expect(address.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        #expect(message.verifyMessageIntegrity(key: RFC5769.shortTermKey))
        #expect(message.verifyFingerprint())
        #expect(message.encode(integrityKey: RFC5769.shortTermKey, fingerprint: true) == RFC5769.ipv6Response)
    }

    @Test("§2.4 long-term credentials: key = MD5(username:realm:password) verifies and re-encodes exactly")
    func longTermRequest() throws {
        let message = try STUNMessage.parse(RFC5769.longTermRequest)
        let username = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}"
        #expect(message.username == username)
        #expect(message.attributes.contains(.nonce("f//499k954d6OL34oL9FSTvy64sA")))
        #expect(message.attributes.contains(.realm("example.org")))
        let key = STUNIntegrity.longTermKey(username: username, realm: "example.org", password: "TheMatrIX")
        #expect(message.verifyMessageIntegrity(key: key))
        #expect(!message.verifyFingerprint(), "the vector has no FINGERPRINT")
        #expect(message.encode(integrityKey: key) == RFC5769.longTermRequest)
    }
}
