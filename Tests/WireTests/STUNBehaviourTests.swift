import Fixtures
import Testing
@testable import ParleyWire

@Suite("STUN codec behaviour")
struct STUNBehaviourTests {
    @Test("tampering with any byte before MESSAGE-INTEGRITY makes integrity fail")
    func tamperedIntegrityFails() throws {
        for index in [20, 30, 50, 60, 75] {
            var bytes = RFC5769.request
            bytes[index] ^= 0x01
            // Type/length-breaking flips may stop parsing; a parsed one must not verify.
            if let message = try? STUNMessage.parse(bytes) {
                #expect(!message.verifyMessageIntegrity(key: RFC5769.shortTermKey), "flip at \(index)")
                #expect(!message.verifyFingerprint(), "flip at \(index)")
            }
        }
        var badMAC = RFC5769.request
        badMAC[85] ^= 0x80 // inside the HMAC value
        let message = try STUNMessage.parse(badMAC)
        #expect(!message.verifyMessageIntegrity(key: RFC5769.shortTermKey))
        var badCRC = RFC5769.request
        badCRC[badCRC.count - 1] ^= 0x01
        #expect(try !STUNMessage.parse(badCRC).verifyFingerprint())
    }

    @Test("every strict prefix of each RFC 5769 message is rejected without trapping")
    func truncationRejected() {
        for vector in [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response, RFC5769.longTermRequest] {
            for length in 0..<vector.count {
                let prefix = Array(vector.prefix(length))
                #expect(throws: STUNParseError.self) { try STUNMessage.parse(prefix) }
                #expect(!STUNMessage.isSTUN(prefix))
            }
        }
    }

    @Test("random bytes and random attributes behind a valid header never trap")
    func randomInputNeverTraps() {
        var random = SeededGenerator(seed: 5769)
        for round in 0..<4000 {
            var bytes = random.bytes(random.int(below: 120))
            if round % 2 == 0, bytes.count >= 20 {
                // Make the header valid so the attribute loop runs on garbage.
                bytes[0] &= 0x3F
                bytes.setBigEndianUInt16(UInt16((bytes.count - 20) & ~3), at: 2)
                bytes.setBigEndianUInt32(STUN.magicCookie, at: 4)
                bytes = Array(bytes.prefix(20 + (bytes.count - 20) & ~3))
            }
            if let message = try? STUNMessage.parse(bytes) {
                _ = message.verifyMessageIntegrity(key: [1, 2, 3])
                _ = message.verifyFingerprint()
                _ = message.encode(integrityKey: [1], fingerprint: true)
            }
        }
    }

    @Test("a built success response round-trips with integrity, SHA-256 integrity and fingerprint")
    func builtResponseRoundTrips() throws {
        let id = STUNTransactionID.random()
        let address = STUNAddress(ip: try #require(IPAddress("10.1.2.3")), port: 50000)
        let response = STUNMessage(
            type: .bindingSuccess, transactionID: id,
            attributes: [.xorMappedAddress(address), .software("parley")])
        let key = STUNIntegrity.shortTermKey(password: "abcdefghijklmnopqrstuv")
        let bytes = response.encode(integrityKey: key, integritySHA256Key: key, fingerprint: true)
        #expect(STUNMessage.isSTUN(bytes))
        let parsed = try STUNMessage.parse(bytes)
        #expect(parsed.transactionID == id)
        #expect(parsed.xorMappedAddress == address)
        #expect(parsed.verifyMessageIntegrity(key: key))
        #expect(parsed.verifyMessageIntegritySHA256(key: key))
        #expect(!parsed.verifyMessageIntegritySHA256(key: [0]))
        #expect(parsed.verifyFingerprint())
        // XOR-MAPPED-ADDRESS port on the wire is port ^ 0x2112 (RFC 8489 §14.2).
        let wirePort = try #require(bytes.bigEndianUInt16(at: 26))
        #expect(wirePort == 0xE242)
    }

    @Test("ERROR-CODE 487 Role Conflict and MAPPED-ADDRESS round-trip")
    func errorCodeRoundTrip() throws {
        let mapped = STUNAddress(ip: try #require(IPAddress("::1")), port: 9)
        let message = STUNMessage(
            type: .bindingError, transactionID: .random(),
            attributes: [.errorCode(.roleConflict), .mappedAddress(mapped)])
        let parsed = try STUNMessage.parse(message.encode(fingerprint: true))
        #expect(parsed.errorCode == STUNErrorCode(code: 487, reason: "Role Conflict"))
        #expect(parsed.mappedAddress == mapped)
        #expect(parsed.type.messageClass == .errorResponse)
        #expect(parsed == message)
    }

    @Test("USE-CANDIDATE, ICE-CONTROLLING and unknown attributes are read; unknown ones are kept and classified")
    func iceAttributesAndUnknowns() throws {
        let message = STUNMessage(
            type: .bindingRequest, transactionID: .random(),
            attributes: [
                .username("sfu1:cli1"), .other(type: 0xC057, value: [0, 1, 0, 10]), .iceControlling(tieBreaker: 42),
                .useCandidate, .priority(1_853_817_087), .other(type: 0x7FFE, value: [1]),
            ])
        let parsed = try STUNMessage.parse(message.encode(integrityKey: [9], fingerprint: true))
        #expect(parsed.hasUseCandidate)
        #expect(parsed.iceControlling == 42)
        #expect(parsed.attributes.contains(.other(type: 0xC057, value: [0, 1, 0, 10])))
        #expect(parsed.unknownComprehensionRequired == [0x7FFE])
        #expect(parsed.verifyMessageIntegrity(key: [9]))
    }

    @Test("message type packs method and class bits as RFC 8489 §5 figure 3")
    func messageTypeBits() {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.rawValue == 0x0101)
        #expect(STUNMessageType.bindingError.rawValue == 0x0111)
        let allocate = STUNMessageType(method: STUNMethod(rawValue: 0x003), messageClass: .errorResponse)
        #expect(allocate.rawValue == 0x0113)
        for raw in [UInt16(0x0001), 0x0111, 0x3EEF, 0x0113] { #expect(STUNMessageType(rawValue: raw).rawValue == raw) }
    }

    @Test("attributes after FINGERPRINT are rejected; attributes after MESSAGE-INTEGRITY are ignored")
    func attributeOrdering() throws {
        var afterFingerprint = RFC5769.ipv4Response
        afterFingerprint += [0x80, 0x22, 0x00, 0x00]
        afterFingerprint.setBigEndianUInt16(UInt16(afterFingerprint.count - 20), at: 2)
        #expect(throws: STUNParseError.attributeAfterFingerprint) { try STUNMessage.parse(afterFingerprint) }

        let longTerm = RFC5769.longTermRequest
        var trailing = longTerm + [0x80, 0x22, 0x00, 0x02, 0x41, 0x42, 0x00, 0x00]
        trailing.setBigEndianUInt16(UInt16(trailing.count - 20), at: 2)
        let parsed = try STUNMessage.parse(trailing)
        #expect(parsed.software == nil)
        let key = STUNIntegrity.longTermKey(
            username: "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}",
            realm: "example.org", password: "TheMatrIX")
        #expect(parsed.verifyMessageIntegrity(key: key))
    }

    @Test("CRC-32 matches the standard check value for \"123456789\"")
    func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
