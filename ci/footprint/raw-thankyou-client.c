/* The baseline for ci/footprint.sh: thankyou-client in plain C with raw
 * system calls (tries every address, reads to end of stream, prints it).
 * Not part of the product. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
    const char* host = "localhost";
    const char* port = "50675";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--host")) host = argv[i + 1];
        else if (!strcmp(argv[i], "--port")) port = argv[i + 1];
    }
    struct addrinfo hints = {0}, *list, *ai;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0) { fprintf(stderr, "thankyou-client: %s\n", gai_strerror(rc)); return 1; }
    int s = -1;
    for (ai = list; ai; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) == 0) break;
        if (s >= 0) close(s);
        s = -1;
    }
    freeaddrinfo(list);
    if (s < 0) { perror("thankyou-client: connect"); return 1; }
    char buffer[1024];
    ssize_t n;
    while ((n = recv(s, buffer, sizeof buffer, 0)) > 0) fwrite(buffer, 1, (size_t)n, stdout);
    if (n < 0) { perror("thankyou-client: recv"); return 1; }
    putchar('\n');
    close(s);
    return 0;
}
