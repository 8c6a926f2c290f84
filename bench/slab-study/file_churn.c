// SPDX-License-Identifier: GPL-2.0
/*
 * file_churn -d DIR [-n FILES] [-r ROUNDS] [-p PROCS]: PROCS processes,
 * each in its own subdirectory of DIR (meant to be a tmpfs), ROUNDS times
 * create FILES empty files, stat() each, then unlink() each. Every file
 * costs a dentry, an inode (shmem_inode_cache), a struct file and its name;
 * the unlinks return them. Prints one JSON line:
 *   {"workload":"files","ops":N,"seconds":S,"ops_per_sec":R}
 * where one op is one create+stat+unlink of a file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int churn(const char *dir, long files, long rounds, long id)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/w%ld", dir, id);
	if (mkdir(path, 0700) && access(path, W_OK))
		return 1;
	for (long r = 0; r < rounds; r++) {
		for (long i = 0; i < files; i++) {
			snprintf(path, sizeof(path), "%s/w%ld/file-with-a-longer-name-%ld", dir, id, i);
			int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);

			if (fd < 0 || close(fd))
				return 1;
		}
		for (long i = 0; i < files; i++) {
			snprintf(path, sizeof(path), "%s/w%ld/file-with-a-longer-name-%ld", dir, id, i);
			if (stat(path, &st))
				return 1;
		}
		for (long i = 0; i < files; i++) {
			snprintf(path, sizeof(path), "%s/w%ld/file-with-a-longer-name-%ld", dir, id, i);
			if (unlink(path))
				return 1;
		}
	}
	snprintf(path, sizeof(path), "%s/w%ld", dir, id);
	return rmdir(path) ? 1 : 0;
}

int main(int argc, char **argv)
{
	long files = 1000, rounds = 5, procs = 2;
	const char *dir = NULL;
	int opt, bad = 0;
	double t0, t1;

	while ((opt = getopt(argc, argv, "d:n:r:p:")) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'n')
			files = atol(optarg);
		else if (opt == 'r')
			rounds = atol(optarg);
		else if (opt == 'p')
			procs = atol(optarg);
		else
			return 2;
	}
	if (!dir || files < 1 || rounds < 1 || procs < 1) {
		fprintf(stderr, "usage: file_churn -d DIR [-n FILES] [-r ROUNDS] [-p PROCS]\n");
		return 2;
	}
	t0 = now();
	for (long p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(churn(dir, files, rounds, p));
	}
	for (long p = 0; p < procs; p++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	t1 = now();
	if (bad) {
		fprintf(stderr, "file_churn: a create, stat or unlink failed\n");
		return 1;
	}
	printf("{\"workload\":\"files\",\"ops\":%ld,\"seconds\":%.6f,\"ops_per_sec\":%.1f}\n",
	       files * rounds * procs, t1 - t0, files * rounds * procs / (t1 - t0));
	return 0;
}
