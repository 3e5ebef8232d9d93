// Fixed-arity wrappers for C APIs Swift cannot import: variadic functions (opus_*_ctl) and
// function-like macros (OpenSSL's *_ctrl family). Keep this file small; everything else is called directly.
#ifndef PARLEY_CSHIMS_H
#define PARLEY_CSHIMS_H

#include <openssl/ssl.h>
#include <openssl/bio.h>
#include <opus/opus.h>
#include <openssl/x509.h>
#include <openssl/sha.h>
#include <sys/time.h>

// OpenSSL
int parley_bio_set_mem_eof_return(BIO *bio, int value);
long parley_bio_get_mem_data(BIO *bio, char **data);
int parley_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version);
int parley_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version);
long parley_ssl_ctx_set_read_ahead(SSL_CTX *ctx, int yes);
// SSL_MODE_RELEASE_BUFFERS: free an idle connection's read and write buffers (about 34 KB each session).
long parley_ssl_ctx_set_release_buffers(SSL_CTX *ctx);
long parley_dtls_set_link_mtu(SSL *ssl, long mtu);
long parley_ssl_set_mtu(SSL *ssl, long mtu);
long parley_ssl_set_options_no_query_mtu(SSL *ssl);
/// Time until the next DTLS retransmission: 1 and fills `out` when a timer runs, 0 when none does.
int parley_dtls_get_timeout(SSL *ssl, struct timeval *out);
/// Retransmits if the DTLS timer expired: 1 on retransmit, 0 when nothing was due, -1 on failure.
int parley_dtls_handle_timeout(SSL *ssl);
int parley_ssl_ctx_set_ecdh_auto(SSL_CTX *ctx);
/// WebRTC DTLS context options: SSL_OP_NO_QUERY_MTU (the MTU is set by hand) | SSL_OP_NO_TICKET.
void parley_ssl_ctx_set_dtls_options(SSL_CTX *ctx);
/// The 0x0001-style IANA id of the negotiated DTLS-SRTP profile (RFC 5764 §4.1.2), 0 when none.
unsigned long parley_ssl_selected_srtp_profile_id(SSL *ssl);
/// SSL_set_app_data / SSL_get_app_data (macros over ex_data index 0).
int parley_ssl_set_app_data(SSL *ssl, void *data);
void *parley_ssl_get_app_data(const SSL *ssl);
/// The SSL that owns an X509_STORE_CTX during a verify callback.
SSL *parley_ssl_from_store_ctx(X509_STORE_CTX *ctx);
/// A BIO callback_ex that forwards each BIO_write payload (one DTLS datagram) to `sink(arg, bytes, len)`
/// and returns `ret` on every post-operation call (returning anything else crashed OpenSSL 3.0).
typedef void (*parley_datagram_sink)(void *arg, const unsigned char *bytes, size_t len);
void parley_bio_capture_writes(BIO *bio, parley_datagram_sink sink, void *arg);
/// HMAC-SHA1 with precomputed inner/outer states (hmac_sha1.c): init once per key (1 on success), then tag
/// `first ‖ second` (second may be empty) into `out` without allocating.
typedef struct { SHA_CTX inner; SHA_CTX outer; } parley_hmac_sha1_key;
int parley_hmac_sha1_key_init(parley_hmac_sha1_key *key, const unsigned char *secret, size_t length);
int parley_hmac_sha1(const parley_hmac_sha1_key *key, const unsigned char *first, size_t first_length,
                     const unsigned char *second, size_t second_length, unsigned char out[SHA_DIGEST_LENGTH]);

// UDP
#include <sys/socket.h>
#define PARLEY_SEND_DATAGRAMS_MAX 64
struct parley_datagram {
    const void *bytes;
    size_t length;
    const struct sockaddr *address;
    socklen_t address_length;
};
/// Sends up to PARLEY_SEND_DATAGRAMS_MAX datagrams with sendmmsg(2) (MSG_DONTWAIT), in order; returns how many
/// the kernel took, stopping early only at EAGAIN (send buffer full). One the kernel refuses is skipped.
int parley_send_datagrams(int fd, const struct parley_datagram *datagrams, unsigned count);

// Opus
int parley_opus_encoder_set_bitrate(OpusEncoder *enc, opus_int32 bitrate);
int parley_opus_encoder_set_complexity(OpusEncoder *enc, opus_int32 complexity);
int parley_opus_encoder_set_signal_music(OpusEncoder *enc);

#endif
