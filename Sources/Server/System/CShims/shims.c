#include "CShims.h"
#include <stdlib.h>
#include <openssl/srtp.h>

int parley_bio_set_mem_eof_return(BIO *bio, int value) { return (int)BIO_set_mem_eof_return(bio, value); }
long parley_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
int parley_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
int parley_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_max_proto_version(ctx, version); }
long parley_ssl_ctx_set_read_ahead(SSL_CTX *ctx, int yes) { return SSL_CTX_set_read_ahead(ctx, yes); }
long parley_ssl_ctx_set_release_buffers(SSL_CTX *ctx) { return SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); }
long parley_dtls_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }
long parley_ssl_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
long parley_ssl_set_options_no_query_mtu(SSL *ssl) { return (long)SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU); }
int parley_dtls_get_timeout(SSL *ssl, struct timeval *out) { return (int)DTLSv1_get_timeout(ssl, out); }
int parley_dtls_handle_timeout(SSL *ssl) { return (int)DTLSv1_handle_timeout(ssl); }
int parley_ssl_ctx_set_ecdh_auto(SSL_CTX *ctx) { (void)ctx; return 1; /* always on since OpenSSL 1.1.0 */ }

void parley_ssl_ctx_set_dtls_options(SSL_CTX *ctx) { SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET); }
unsigned long parley_ssl_selected_srtp_profile_id(SSL *ssl) {
    SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile(ssl);
    return profile == NULL ? 0 : profile->id;
}
int parley_ssl_set_app_data(SSL *ssl, void *data) { return SSL_set_app_data(ssl, data); }
void *parley_ssl_get_app_data(const SSL *ssl) { return SSL_get_app_data(ssl); }
SSL *parley_ssl_from_store_ctx(X509_STORE_CTX *ctx) {
    return (SSL *)X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
}

typedef struct { parley_datagram_sink sink; void *arg; } parley_capture;

static long parley_capture_callback(BIO *b, int oper, const char *argp, size_t len, int argi, long argl,
                                    int ret, size_t *processed) {
    (void)argi; (void)argl; (void)processed;
    if (oper & BIO_CB_RETURN) return ret;
    if (oper == BIO_CB_FREE) {
        free(BIO_get_callback_arg(b));
        return 1;
    }
    if (oper == BIO_CB_WRITE && argp != NULL && len > 0) {
        parley_capture *capture = (parley_capture *)BIO_get_callback_arg(b);
        if (capture != NULL && capture->sink != NULL) capture->sink(capture->arg, (const unsigned char *)argp, len);
    }
    return 1;
}

void parley_bio_capture_writes(BIO *bio, parley_datagram_sink sink, void *arg) {
    parley_capture *capture = (parley_capture *)malloc(sizeof(parley_capture));
    if (capture == NULL) return;
    capture->sink = sink;
    capture->arg = arg;
    BIO_set_callback_arg(bio, (char *)capture);
    BIO_set_callback_ex(bio, parley_capture_callback);
}

int parley_opus_encoder_set_bitrate(OpusEncoder *enc, opus_int32 bitrate) { return opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate)); }
int parley_opus_encoder_set_complexity(OpusEncoder *enc, opus_int32 complexity) { return opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(complexity)); }
int parley_opus_encoder_set_signal_music(OpusEncoder *enc) { return opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_MUSIC)); }
