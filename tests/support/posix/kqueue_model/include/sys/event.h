/* The kqueue model's <sys/event.h>: the part of the BSD interface that the
 * model implements on Linux (tests/support/posix/kqueue_model/README.md).
 * The names and values are macOS's (its <sys/event.h> and kqueue(2)); the
 * structure is macOS's struct kevent. Test-only: never installed, never part
 * of the library. What macOS lacks is absent on purpose: no kqueue1 (the
 * backend must take its fcntl path), no EVFILT_USER (the backend wakes by a
 * pipe). */
#ifndef PORTSOCK_KQUEUE_MODEL_SYS_EVENT_H
#define PORTSOCK_KQUEUE_MODEL_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

/* Filters. */
#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)

/* Actions and flags (input), and what a returned event says (output). */
#define EV_ADD 0x0001      /* add the filter, or change an existing one */
#define EV_DELETE 0x0002   /* remove it (ENOENT if there is none) */
#define EV_ENABLE 0x0004   /* report it again */
#define EV_DISABLE 0x0008  /* keep it, but do not report it */
#define EV_ONESHOT 0x0010  /* remove it after its first report */
#define EV_CLEAR 0x0020    /* reset its state once reported */
#define EV_RECEIPT 0x0040  /* answer every change in the eventlist, drain nothing */
#define EV_DISPATCH 0x0080 /* disable it after each report */
#define EV_ERROR 0x4000    /* output: the change failed, data holds the errno */
#define EV_EOF 0x8000      /* output: end of file; fflags holds a socket error */

struct kevent {
    uintptr_t ident; /* the descriptor */
    int16_t filter;  /* EVFILT_READ or EVFILT_WRITE */
    uint16_t flags;
    uint32_t fflags;
    intptr_t data;
    void* udata; /* returned as given */
};

#define EV_SET(kevp, a, b, c, d, e, f) \
    do {                               \
        struct kevent* ev_set_ = (kevp); \
        ev_set_->ident = (a);          \
        ev_set_->filter = (b);         \
        ev_set_->flags = (c);          \
        ev_set_->fflags = (d);         \
        ev_set_->data = (e);           \
        ev_set_->udata = (f);          \
    } while (0)

#ifdef __cplusplus
extern "C" {
#endif

int kqueue(void);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist, int nevents,
           const struct timespec* timeout);

#ifdef __cplusplus
}
#endif

#endif
