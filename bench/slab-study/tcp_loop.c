// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_loop [-m MIB] [-c CONNS]: two loopback TCP workloads on 127.0.0.1.
 *   stream:  one connection, the client (parent) sends MIB MiB in 64 KiB
 *            writes, the server (child) reads them; skbuff_head_cache and
 *            kmalloc-backed skb data churn.
 *   connect: CONNS connect/accept/close cycles; sock, inode, dentry,
 *            request_sock and file objects churn.
 * Brings the loopback interface up first if it is down (a fresh guest
 * with no init scripts). Prints two JSON lines:
 *   {"workload":"tcp_stream","ops":BYTES,"seconds":S,"mib_per_sec":R}
 *   {"workload":"tcp_connect","ops":N,"seconds":S,"ops_per_sec":R}
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listener(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)addr, &len))
		return -1;
	return fd;
}

/* A fresh guest has no init scripts: nobody has set lo up. */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		if (ifr.ifr_flags & IFF_UP) {
			ret = 0;
		} else {
			ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
			ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
		}
	}
	close(fd);
	return ret;
}

/* On a failure in the parent, the child must not outlive it holding our
 * stdout (a caller reading our output to EOF would wait forever). */
static int fail_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 1;
}

static int child_status(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : 1;
}

static int stream(long mib)
{
	static char buf[CHUNK];
	struct sockaddr_in addr;
	long long total = (long long)mib << 20, sent = 0;
	int lfd = listener(&addr), fd;
	double t0, t1;
	pid_t pid;

	if (lfd < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		long long got = 0;
		int c = accept(lfd, NULL, NULL);

		while (c >= 0) {
			ssize_t n = read(c, buf, sizeof(buf));

			if (n <= 0)
				break;
			got += n;
		}
		_exit(got == total ? 0 : 1);
	}
	close(lfd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fail_child(pid);
	memset(buf, 0x5a, sizeof(buf));
	t0 = now();
	while (sent < total) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n <= 0)
			return fail_child(pid);
		sent += n;
	}
	close(fd);
	if (child_status(pid))
		return 1;
	t1 = now();
	printf("{\"workload\":\"tcp_stream\",\"ops\":%lld,\"seconds\":%.6f,\"mib_per_sec\":%.2f}\n",
	       total, t1 - t0, mib / (t1 - t0));
	return 0;
}

static int connects(long n)
{
	struct sockaddr_in addr;
	int lfd = listener(&addr);
	double t0, t1;
	pid_t pid;

	if (lfd < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			char b;
			int c = accept(lfd, NULL, NULL);

			if (c < 0)
				_exit(1);
			/* Wait for the client's reset (or EOF): no data comes. */
			if (read(c, &b, 1) > 0)
				_exit(1);
			close(c);
		}
		_exit(0);
	}
	close(lfd);
	t0 = now();
	for (long i = 0; i < n; i++) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
			return fail_child(pid);
		/* RST on close: no TIME_WAIT sockets piling up across runs. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	if (child_status(pid))
		return 1;
	t1 = now();
	printf("{\"workload\":\"tcp_connect\",\"ops\":%ld,\"seconds\":%.6f,\"ops_per_sec\":%.1f}\n",
	       n, t1 - t0, n / (t1 - t0));
	return 0;
}

int main(int argc, char **argv)
{
	long mib = 256, conns = 1000;
	int opt;

	while ((opt = getopt(argc, argv, "m:c:")) != -1) {
		if (opt == 'm')
			mib = atol(optarg);
		else if (opt == 'c')
			conns = atol(optarg);
		else
			return 2;
	}
	if (mib < 1 || conns < 1)
		return 2;
	if (loopback_up()) {
		perror("tcp_loop: cannot bring lo up");
		return 1;
	}
	if (stream(mib) || connects(conns)) {
		fprintf(stderr, "tcp_loop: a socket call failed\n");
		return 1;
	}
	return 0;
}
