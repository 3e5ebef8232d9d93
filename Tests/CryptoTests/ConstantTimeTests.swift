import Testing
import ParleyCrypto

@Suite("ConstantTime.equals")
struct ConstantTimeTests {
    @Test("strings compare by their UTF-8 bytes: equal, one byte off, other length, empty, non-ASCII")
    func strings() {
        #expect(ConstantTime.equals("test-api-key", "test-api-key"))
        #expect(!ConstantTime.equals("test-api-key", "test-api-kez"))
        #expect(!ConstantTime.equals("xest-api-key", "test-api-key"))
        #expect(!ConstantTime.equals("test-api-key", "test-api-key "))
        #expect(ConstantTime.equals("", ""))
        #expect(!ConstantTime.equals("", "a"))
        #expect(ConstantTime.equals("clé-é", "clé-é"))
        // Same Characters, different bytes (precomposed vs combining accent): a key is its bytes.
        #expect(!ConstantTime.equals("\u{E9}", "e\u{301}"))
    }
}
