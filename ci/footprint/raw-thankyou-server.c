/* The baseline for ci/footprint.sh: thankyou-server written in plain C with
 * raw system calls, doing what apps/thankyou-server.cpp does (same options,
 * output, address reuse, 0.25 s stop checks, SIGINT/SIGTERM), so that the
 * size difference is what portsock and C++ add. Not part of the product. */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_stop(int sig) { (void)sig; stop = 1; }

int main(int argc, char** argv) {
    const char* host = "";
    const char* port = "50675";
    int backlog = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (!strcmp(argv[i], "--port")) port = argv[i + 1];
        else if (!strcmp(argv[i], "--backlog")) backlog = atoi(argv[i + 1]);
    }
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    struct addrinfo hints = {0}, *ai;
    hints.ai_family = *host ? AF_UNSPEC : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &ai);
    if (rc != 0) { fprintf(stderr, "thankyou-server: %s\n", gai_strerror(rc)); return 1; }
    int s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) { perror("thankyou-server: socket"); return 1; }
    puts("The socket is created successfully");
    int on = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(s, ai->ai_addr, ai->ai_addrlen) < 0) { perror("thankyou-server: bind"); return 1; }
    struct sockaddr_storage me;
    socklen_t len = sizeof me;
    getsockname(s, (struct sockaddr*)&me, &len);
    printf("The socket is bound to %d\n", ntohs(((struct sockaddr_in*)&me)->sin_port));
    if (listen(s, backlog) < 0) { perror("thankyou-server: listen"); return 1; }
    puts("The socket is listening");
    fflush(stdout);
    static const char message[] = "Thank you for connecting with the socket";
    while (!stop) {
        struct pollfd p = {s, POLLIN, 0};
        if (poll(&p, 1, 250) <= 0) continue;
        struct sockaddr_storage peer;
        len = sizeof peer;
        int c = accept4(s, (struct sockaddr*)&peer, &len, SOCK_CLOEXEC);
        if (c < 0) { perror("thankyou-server: accept"); continue; }
        char text[INET6_ADDRSTRLEN];
        const struct sockaddr_in* in = (const struct sockaddr_in*)&peer;
        const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)&peer;
        if (peer.ss_family == AF_INET6) inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        else inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        printf("Got a connection from ('%s', %d)\n", text, ntohs(in->sin_port));
        fflush(stdout);
        for (size_t sent = 0; sent < sizeof message - 1;) {
            ssize_t n = send(c, message + sent, sizeof message - 1 - sent, MSG_NOSIGNAL);
            if (n < 0) { perror("thankyou-server: send"); break; }
            sent += (size_t)n;
        }
        close(c);
    }
    close(s);
    freeaddrinfo(ai);
    return 0;
}
