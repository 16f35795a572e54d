// The default Windows poller: readiness from the AFD driver (the kernel side
// of Winsock), the way wepoll, libuv (src/win/poll.c) and mio poll sockets.
// Facts used here (wepoll src/afd.c and src/msafd.h; wine 8 dlls/ws2_32 and
// server/sock.c implement the same IOCTL):
//   - opening any name under \Device\Afd gives a handle on which
//     IOCTL_AFD_POLL can be issued for any socket's *base* handle (the one
//     under any layered service provider: WSAIoctl SIO_BASE_HANDLE);
//   - with that handle bound to an I/O completion port, each poll completes
//     as one completion packet whose lpOverlapped is the ApcContext given to
//     NtDeviceIoControlFile, also when it completes at once;
//   - a poll completes when any of the events it asks for holds, reporting
//     every one of them that holds then; it is one-shot, so a socket keeps
//     one poll outstanding and is polled again after each completion
//     (level-triggered, like the other pollers);
//   - CancelIoEx on the poll's IO_STATUS_BLOCK completes it with
//     STATUS_CANCELLED; the kernel writes that block until the completion
//     is dequeued, so an entry is freed only then.
// Under wine 8: the device opens, SIO_BASE_HANDLE gives the socket itself,
// and RECEIVE, SEND, ACCEPT, DISCONNECT, CONNECT_FAIL, LOCAL_CLOSE and
// cancellation all behave as above.
//
// Cost: add allocates the socket's entry (stable while its poll is pending)
// and its hash-table node; modify and remove are O(1); wait allocates
// nothing (completions land in a fixed array) and its work is proportional
// to the sockets that completed. wake() posts a packet with no overlapped.
#include "error.hpp"
#include "poller_support.hpp"
#include "pollers.hpp"

// winsock2.h before the others, which need its types.
#include <winsock2.h>

#include <mswsock.h>
#include <windows.h>

#include <cstdint>
#include <new>
#include <unordered_map>

namespace portsock::sys {

namespace {

// The native API's types, declared here under our own names: not every
// SDK's winternl.h has them all, and ours cannot clash with one that does.
using nt_status = LONG;
constexpr nt_status status_success = 0;
constexpr nt_status status_pending = 0x00000103;
constexpr nt_status status_cancelled = static_cast<nt_status>(0xC0000120);

struct io_status_block {
    union {
        nt_status status;
        void* pointer;
    };
    ULONG_PTR information;
};

struct unicode_string {
    USHORT length;  // bytes, without a terminating NUL
    USHORT maximum_length;
    const wchar_t* buffer;
};

struct object_attributes {
    ULONG length;
    HANDLE root_directory;
    unicode_string* object_name;
    ULONG attributes;  // no OBJ_INHERIT: the handle is not inherited
    void* security_descriptor;
    void* security_quality_of_service;
};

struct afd_poll_handle_info {
    HANDLE handle;
    ULONG events;
    nt_status status;
};

struct afd_poll_info {
    LARGE_INTEGER timeout;
    ULONG number_of_handles;
    ULONG exclusive;
    afd_poll_handle_info handles[1];
};

// FSCTL_AFD_BASE (FILE_DEVICE_NETWORK) << 12 | AFD_POLL (9) << 2 | METHOD_BUFFERED.
constexpr ULONG ioctl_afd_poll = 0x00012024;
constexpr ULONG afd_poll_receive = 0x0001;
constexpr ULONG afd_poll_send = 0x0004;
constexpr ULONG afd_poll_disconnect = 0x0008;
constexpr ULONG afd_poll_abort = 0x0010;
constexpr ULONG afd_poll_local_close = 0x0020;
constexpr ULONG afd_poll_accept = 0x0080;
constexpr ULONG afd_poll_connect_fail = 0x0100;
constexpr ULONG file_open = 1;  // CreateDisposition: open what exists

using nt_create_file_fn = nt_status(NTAPI*)(HANDLE*, ACCESS_MASK, object_attributes*, io_status_block*,
                                            LARGE_INTEGER*, ULONG, ULONG, ULONG, ULONG, void*, ULONG);
using nt_device_io_control_file_fn = nt_status(NTAPI*)(HANDLE, HANDLE, void*, void*, io_status_block*, ULONG,
                                                       void*, ULONG, void*, ULONG);
using rtl_nt_status_to_dos_error_fn = ULONG(NTAPI*)(nt_status);

// ntdll's entry points, looked up once (ntdll is in every process).
struct native_api {
    nt_create_file_fn create_file = nullptr;
    nt_device_io_control_file_fn device_io_control_file = nullptr;
    rtl_nt_status_to_dos_error_fn status_to_dos_error = nullptr;

    native_api() noexcept {
        const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
        if (ntdll == nullptr) return;
        create_file = reinterpret_cast<nt_create_file_fn>(
            reinterpret_cast<void*>(::GetProcAddress(ntdll, "NtCreateFile")));
        device_io_control_file = reinterpret_cast<nt_device_io_control_file_fn>(
            reinterpret_cast<void*>(::GetProcAddress(ntdll, "NtDeviceIoControlFile")));
        status_to_dos_error = reinterpret_cast<rtl_nt_status_to_dos_error_fn>(
            reinterpret_cast<void*>(::GetProcAddress(ntdll, "RtlNtStatusToDosError")));
    }
    bool usable() const noexcept {
        return create_file != nullptr && device_io_control_file != nullptr && status_to_dos_error != nullptr;
    }
};

const native_api& nt() noexcept {
    static const native_api api;
    return api;
}

std::error_code from_status(nt_status s) noexcept {
    return {static_cast<int>(nt().status_to_dos_error(s)), winsock_category()};
}

std::error_code from_last_error() noexcept {
    return {static_cast<int>(::GetLastError()), winsock_category()};
}

// One registered socket. Its poll's blocks live here, so an entry stays put
// (individually allocated) while a poll is pending, even after remove.
struct entry {
    io_status_block iosb{};  // written by the kernel while `pending`
    afd_poll_info info{};    // the poll's request and, on completion, its result
    SOCKET socket = INVALID_SOCKET;
    SOCKET base = INVALID_SOCKET;  // what AFD polls (SIO_BASE_HANDLE)
    event interest = event::none;
    std::uint64_t tag = 0;
    ULONG polled = 0;      // the events the pending poll asks for
    bool pending = false;  // a poll is in flight
    bool removed = false;  // gone from the table: freed when its poll completes
    bool queued = false;   // on the list of entries to poll at the next wait
    entry* prev = nullptr;
    entry* next = nullptr;
};

constexpr std::size_t completion_slots = 256;

}  // namespace

struct afd_state {
    HANDLE port = nullptr;              // the completion port
    HANDLE afd = INVALID_HANDLE_VALUE;  // \Device\Afd\portsock, bound to `port`
    std::unordered_map<SOCKET, entry*> entries;
    entry* first = nullptr;  // the entries to poll at the next wait, in order
    entry* last = nullptr;
    std::size_t pending = 0;  // polls in flight, removed entries' included
    OVERLAPPED_ENTRY completions[completion_slots];
};

namespace {

void enqueue(afd_state* p, entry* e) noexcept {
    if (e->queued) return;
    e->queued = true;
    e->next = nullptr;
    e->prev = p->last;
    (p->last != nullptr ? p->last->next : p->first) = e;
    p->last = e;
}

void dequeue(afd_state* p, entry* e) noexcept {
    if (!e->queued) return;
    (e->prev != nullptr ? e->prev->next : p->first) = e->next;
    (e->next != nullptr ? e->next->prev : p->last) = e->prev;
    e->prev = e->next = nullptr;
    e->queued = false;
}

// What a poll asks for: the interest, and always what ends or breaks the
// connection (hang-up and errors are reported whether asked for or not).
ULONG events_for(event interest) noexcept {
    ULONG events = afd_poll_disconnect | afd_poll_abort | afd_poll_connect_fail | afd_poll_local_close;
    if (has(interest, event::readable)) events |= afd_poll_receive | afd_poll_accept;
    if (has(interest, event::writable)) events |= afd_poll_send;
    return events;
}

// What a completed poll means, as the contract's events.
event ready_from(ULONG got, event interest) noexcept {
    event ready = event::none;
    if ((got & (afd_poll_receive | afd_poll_accept)) != 0) ready = ready | event::readable;
    if ((got & afd_poll_send) != 0) ready = ready | event::writable;
    // The end of the stream is readable (recv returns 0), and a hang-up.
    if ((got & afd_poll_disconnect) != 0) ready = ready | event::readable | event::hangup;
    // A failed non-blocking connect: writable and error, as on every backend.
    if ((got & afd_poll_connect_fail) != 0) ready = ready | event::writable | event::error;
    if ((got & afd_poll_abort) != 0) ready = ready | event::hangup | event::error;
    event asked = interest | event::hangup | event::error;
    if ((got & afd_poll_connect_fail) != 0) asked = asked | event::writable;  // asked or not
    return ready & asked;
}

// The socket under any layered service provider: AFD knows only that one.
// SIO_BASE_HANDLE first; an LSP that answers it wrongly may still answer the
// older SIO_BSP_HANDLE_POLL or SIO_BSP_HANDLE (wepoll src/ws.c does the same).
std::error_code base_handle(SOCKET s, SOCKET& base) noexcept {
    std::error_code ec;
    for (const DWORD code : {DWORD{SIO_BASE_HANDLE}, DWORD{SIO_BSP_HANDLE_POLL}, DWORD{SIO_BSP_HANDLE}}) {
        DWORD bytes = 0;
        base = INVALID_SOCKET;
        if (::WSAIoctl(s, code, nullptr, 0, &base, sizeof base, &bytes, nullptr, nullptr) != SOCKET_ERROR &&
            base != INVALID_SOCKET) {
            return {};
        }
        if (!ec) ec = last_error();
    }
    return ec;
}

// Starts the entry's poll. Failure is returned (nothing will complete).
std::error_code submit(afd_state* p, entry* e) noexcept {
    e->polled = events_for(e->interest);
    e->info.timeout.QuadPart = INT64_MAX;  // no timeout: completion, cancel or close ends it
    e->info.number_of_handles = 1;
    e->info.exclusive = FALSE;
    e->info.handles[0].handle = reinterpret_cast<HANDLE>(e->base);
    e->info.handles[0].events = e->polled;
    e->info.handles[0].status = 0;
    e->iosb.status = status_pending;
    const nt_status s = nt().device_io_control_file(p->afd, nullptr, nullptr, e, &e->iosb, ioctl_afd_poll,
                                                    &e->info, sizeof e->info, &e->info, sizeof e->info);
    // Completed at once (success) is still queued to the port, as pending is.
    if (s != status_pending && s != status_success) return from_status(s);
    e->pending = true;
    ++p->pending;
    return {};
}

void forget(afd_state* p, entry* e) noexcept {
    const auto it = p->entries.find(e->socket);
    if (it != p->entries.end() && it->second == e) p->entries.erase(it);
    dequeue(p, e);
    delete e;
}

}  // namespace

afd_state* afd_open(std::error_code& ec) noexcept {
    ec = ensure_started();
    if (ec) return nullptr;
    if (!nt().usable()) {
        ec = std::make_error_code(std::errc::function_not_supported);
        return nullptr;
    }
    auto* p = new_poller_state<afd_state>(ec);
    if (p == nullptr) return nullptr;
    p->port = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (p->port == nullptr) {
        ec = from_last_error();
        afd_close(p);
        return nullptr;
    }
    // Any name under \Device\Afd opens the driver; the name says whose it is.
    static const wchar_t device[] = L"\\Device\\Afd\\portsock";
    unicode_string name{sizeof device - sizeof(wchar_t), sizeof device, device};
    object_attributes attributes{sizeof(object_attributes), nullptr, &name, 0, nullptr, nullptr};
    io_status_block iosb{};
    HANDLE afd = nullptr;
    const nt_status s = nt().create_file(&afd, SYNCHRONIZE, &attributes, &iosb, nullptr, 0,
                                         FILE_SHARE_READ | FILE_SHARE_WRITE, file_open, 0, nullptr, 0);
    if (s != status_success) {
        ec = from_status(s);
        afd_close(p);
        return nullptr;
    }
    p->afd = afd;
    if (::CreateIoCompletionPort(p->afd, p->port, 0, 0) == nullptr) {
        ec = from_last_error();
        afd_close(p);
        return nullptr;
    }
    // A socket that has no base handle (under a non-IFS layered service
    // provider) cannot be polled here: ask a probe socket now, so that the
    // choice between AFD and select is made before the poller is used.
    const handle probe = open(family::inet, type::stream, 0, ec);
    if (!ec) {
        SOCKET base;
        ec = base_handle(static_cast<SOCKET>(probe), base);
        close(probe);
    }
    if (ec) {
        afd_close(p);
        return nullptr;
    }
    return p;
}

void afd_close(afd_state* p) noexcept {
    // Every entry is freed once its poll has completed: those not polling
    // now, the others when their cancellation is dequeued.
    for (const auto& [socket, e] : p->entries) {
        dequeue(p, e);
        if (e->pending) {
            e->removed = true;
        } else {
            delete e;
        }
    }
    p->entries.clear();
    if (p->pending > 0) {
        ::CancelIoEx(p->afd, nullptr);
        // Cancellation completes promptly; should the completions not come
        // within a generous limit, the entries are leaked rather than freed
        // under the kernel's pen.
        const ULONGLONG give_up = ::GetTickCount64() + 30000;
        while (p->pending > 0 && ::GetTickCount64() < give_up) {
            ULONG n = 0;
            if (!::GetQueuedCompletionStatusEx(p->port, p->completions, completion_slots, &n, 1000, FALSE))
                continue;
            for (ULONG k = 0; k < n; ++k) {
                if (p->completions[k].lpOverlapped == nullptr) continue;  // a wake-up
                --p->pending;
                delete reinterpret_cast<entry*>(p->completions[k].lpOverlapped);
            }
        }
    }
    if (p->afd != INVALID_HANDLE_VALUE) ::CloseHandle(p->afd);
    if (p->port != nullptr) ::CloseHandle(p->port);
    delete p;
}

std::error_code afd_add(afd_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    const auto s = static_cast<SOCKET>(h);
    if (p->entries.count(s) != 0) return std::make_error_code(std::errc::file_exists);
    SOCKET base;
    if (const std::error_code ec = base_handle(s, base)) return ec;
    auto* e = new (std::nothrow) entry;
    if (e == nullptr) return std::make_error_code(std::errc::not_enough_memory);
    try {
        p->entries.emplace(s, e);
    } catch (...) {
        delete e;
        return std::make_error_code(std::errc::not_enough_memory);
    }
    e->socket = s;
    e->base = base;
    e->interest = interest;
    e->tag = tag;
    enqueue(p, e);  // polled from the next wait on
    return {};
}

std::error_code afd_modify(afd_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    const auto it = p->entries.find(static_cast<SOCKET>(h));
    if (it == p->entries.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    entry* e = it->second;
    e->interest = interest;
    e->tag = tag;
    if (!e->pending) {
        enqueue(p, e);
    } else if (events_for(interest) != e->polled) {
        // The pending poll asks for the old events: cancel it, and poll
        // again when its cancellation completes (in a wait).
        ::CancelIoEx(p->afd, reinterpret_cast<OVERLAPPED*>(&e->iosb));
    }
    return {};
}

std::error_code afd_remove(afd_state* p, handle h) noexcept {
    const auto it = p->entries.find(static_cast<SOCKET>(h));
    if (it == p->entries.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    entry* e = it->second;
    p->entries.erase(it);
    dequeue(p, e);
    if (e->pending) {
        e->removed = true;  // freed by the wait or close that dequeues its cancellation
        ::CancelIoEx(p->afd, reinterpret_cast<OVERLAPPED*>(&e->iosb));
    } else {
        delete e;
    }
    return {};
}

std::size_t afd_wait(afd_state* p, poll_event* out, std::size_t capacity, wait_limit limit,
                     std::error_code& ec) noexcept {
    for (std::int64_t wait_ns = limit.first_ns;; wait_ns = limit.left_ns()) {
        std::size_t count = 0;
        // Poll what is due: sockets just added or modified, and those whose
        // last poll completed (level-triggered: still ready, it completes at
        // once). A socket whose poll cannot start (closed while registered)
        // is reported as an error once, and polled again only if modified.
        for (entry* e = p->first; e != nullptr;) {
            entry* const next = e->next;
            if (count == capacity) break;
            dequeue(p, e);
            if (submit(p, e)) out[count++] = {e->tag, event::hangup | event::error};
            e = next;
        }
        const int ms = to_milliseconds(count > 0 ? 0 : wait_ns);
        ULONG n = 0;
        if (!::GetQueuedCompletionStatusEx(p->port, p->completions, completion_slots, &n,
                                           ms < 0 ? INFINITE : static_cast<DWORD>(ms), FALSE)) {
            const DWORD error = ::GetLastError();
            if (error != WAIT_TIMEOUT) {
                ec = {static_cast<int>(error), winsock_category()};
                return 0;
            }
            n = 0;
        }
        clear_error(ec);
        // Sockets reported now go to the back of the next wait's list, after
        // those that were ready but found no room, so that with a small
        // `capacity` every socket has its turn.
        entry* reported_first = nullptr;
        entry* reported_last = nullptr;
        bool woken = false;
        for (ULONG k = 0; k < n; ++k) {
            if (p->completions[k].lpOverlapped == nullptr) {
                woken = true;
                continue;
            }
            auto* e = reinterpret_cast<entry*>(p->completions[k].lpOverlapped);
            e->pending = false;
            --p->pending;
            if (e->removed) {
                delete e;
                continue;
            }
            const nt_status status = e->iosb.status;
            if (status == status_cancelled) {  // modified: poll for the new interest
                enqueue(p, e);
                continue;
            }
            if (status < 0) {  // the poll failed: an error, once (as above)
                if (count < capacity) {
                    out[count++] = {e->tag, event::hangup | event::error};
                } else {
                    enqueue(p, e);
                }
                continue;
            }
            const ULONG got = e->info.number_of_handles == 1 ? e->info.handles[0].events : 0;
            if ((got & afd_poll_local_close) != 0) {  // closed while registered: forget it
                forget(p, e);
                continue;
            }
            const event ready = ready_from(got, e->interest);
            if (ready == event::none || count == capacity) {
                enqueue(p, e);
                continue;
            }
            out[count++] = {e->tag, ready};
            e->queued = true;
            e->next = nullptr;
            e->prev = reported_last;
            (reported_last != nullptr ? reported_last->next : reported_first) = e;
            reported_last = e;
        }
        if (reported_first != nullptr) {
            reported_first->prev = p->last;
            (p->last != nullptr ? p->last->next : p->first) = reported_first;
            p->last = reported_last;
        }
        if (count > 0 || woken || limit.over(wait_ns)) return count;
    }
}

void afd_wake(afd_state* p) noexcept { ::PostQueuedCompletionStatus(p->port, 0, 0, nullptr); }

}  // namespace portsock::sys
