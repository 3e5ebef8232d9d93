// sendmmsg(2) for the media plane's fan-out (mmsghdr needs _GNU_SOURCE, which Swift's Glibc module lacks).
#define _GNU_SOURCE
#include "CShims.h"
#include <errno.h>
#include <sys/socket.h>

int parley_send_datagrams(int fd, const struct parley_datagram *datagrams, unsigned count) {
    struct mmsghdr messages[PARLEY_SEND_DATAGRAMS_MAX];
    struct iovec vectors[PARLEY_SEND_DATAGRAMS_MAX];
    if (count > PARLEY_SEND_DATAGRAMS_MAX) count = PARLEY_SEND_DATAGRAMS_MAX;
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)datagrams[i].bytes;
        vectors[i].iov_len = datagrams[i].length;
        messages[i].msg_hdr = (struct msghdr){
            .msg_name = (void *)datagrams[i].address, .msg_namelen = datagrams[i].address_length,
            .msg_iov = &vectors[i], .msg_iovlen = 1,
        };
        messages[i].msg_len = 0;
    }
    unsigned done = 0;
    while (done < count) {
        int sent = sendmmsg(fd, messages + done, count - done, MSG_DONTWAIT);
        if (sent > 0) {
            done += (unsigned)sent;
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            done += 1; // the kernel refused this datagram (sendmmsg reports the first one's error): drop it
        }
    }
    return (int)done;
}
