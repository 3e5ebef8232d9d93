// HMAC-SHA1 (RFC 2104) with the key's inner and outer hash states computed once, for SRTP's per-packet tags
// (RFC 3711 §4.2.1): a tag then costs two SHA-1 finishes and no allocation, where OpenSSL 3's EVP_MAC re-init
// duplicates its digest contexts on the heap for every packet. SHA1_* are deprecated in 3.0 but kept, and use
// the same SHA-NI/AVX2 block functions as EVP.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "CShims.h"
#include <string.h>

int parley_hmac_sha1_key_init(parley_hmac_sha1_key *key, const unsigned char *secret, size_t length) {
    unsigned char pad[SHA_CBLOCK];
    unsigned char hashed[SHA_DIGEST_LENGTH];
    if (length > SHA_CBLOCK) { // a key longer than a block is replaced by its hash (§2)
        if (SHA1(secret, length, hashed) == NULL) return 0;
        secret = hashed;
        length = SHA_DIGEST_LENGTH;
    }
    memset(pad, 0x36, sizeof pad);
    for (size_t i = 0; i < length; i++) pad[i] ^= secret[i];
    int ok = SHA1_Init(&key->inner) && SHA1_Update(&key->inner, pad, sizeof pad);
    memset(pad, 0x5c, sizeof pad);
    for (size_t i = 0; i < length; i++) pad[i] ^= secret[i];
    ok = ok && SHA1_Init(&key->outer) && SHA1_Update(&key->outer, pad, sizeof pad);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(hashed, sizeof hashed);
    return ok;
}

int parley_hmac_sha1(const parley_hmac_sha1_key *key, const unsigned char *first, size_t first_length,
                     const unsigned char *second, size_t second_length, unsigned char out[SHA_DIGEST_LENGTH]) {
    SHA_CTX context = key->inner;
    unsigned char inner[SHA_DIGEST_LENGTH];
    int ok = SHA1_Update(&context, first, first_length)
        && (second_length == 0 || SHA1_Update(&context, second, second_length))
        && SHA1_Final(inner, &context);
    context = key->outer;
    ok = ok && SHA1_Update(&context, inner, sizeof inner) && SHA1_Final(out, &context);
    OPENSSL_cleanse(&context, sizeof context);
    return ok;
}
