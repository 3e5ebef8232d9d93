// LD_PRELOAD shim for running parley-server under valgrind 3.19 (bench/callgrind_cost.py).
//
// Swift's async main parks the main thread in dispatch_main(), which calls sigsuspend() with a mask that
// libdispatch keeps in read-only memory. Valgrind's rt_sigsuspend wrapper removes its own signal from the
// caller's mask in place, so it faults on that page and valgrind itself dies ("Valgrind received a signal 11").
// Passing a writable copy of the mask changes nothing for the program: sigsuspend(2) only reads it.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
  sigset_t writable = *mask;
  return (int)syscall(SYS_rt_sigsuspend, &writable, _NSIG / 8);
}
