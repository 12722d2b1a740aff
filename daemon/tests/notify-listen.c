// SPDX-License-Identifier: GPL-2.0-only
/*
 * notify-listen - the service manager's side of sd_notify(3), for tests.
 *
 *   notify-listen SOCKET
 *
 * Binds a datagram socket at SOCKET (a path, as in NOTIFY_SOCKET) and prints
 * each message it receives, one line per assignment ("READY=1"), flushed
 * at once, until killed. Lets the end-to-end tests check gemreclaimd's
 * READY/RELOADING/STOPPING/STATUS and watchdog messages without systemd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notify-listen SOCKET (a path shorter than %zu bytes)\n",
			sizeof(sa.sun_path));
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "notify-listen: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "notify-listen: recv: %s\n", strerror(errno));
			return 1;
		}
		buf[n] = '\0';
		/* one datagram may hold several newline-separated assignments */
		fputs(buf, stdout);
		if (n && buf[n - 1] != '\n')
			fputc('\n', stdout);
		fflush(stdout);
	}
}
