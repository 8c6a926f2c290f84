// SPDX-License-Identifier: GPL-2.0
/*
 * fork_churn [-n FORKS] [-p PROCS]: PROCS processes each fork() and reap
 * FORKS children that _exit(0) at once. Each fork/exit allocates and frees
 * task_struct, mm_struct, vm_area_struct, anon_vma, files, signal and pid
 * objects: a slab-heavy path. Prints one JSON line:
 *   {"workload":"fork","ops":N,"seconds":S,"ops_per_sec":R}
 * Exit status 1 on any failed fork/wait.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int churn(long n)
{
	for (long i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long forks = 2000, procs = 2;
	int opt, bad = 0;
	double t0, t1;

	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		if (opt == 'n')
			forks = atol(optarg);
		else if (opt == 'p')
			procs = atol(optarg);
		else
			return 2;
	}
	if (forks < 1 || procs < 1)
		return 2;
	t0 = now();
	for (long p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(churn(forks));
	}
	for (long p = 0; p < procs; p++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	t1 = now();
	if (bad) {
		fprintf(stderr, "fork_churn: a fork or wait failed\n");
		return 1;
	}
	printf("{\"workload\":\"fork\",\"ops\":%ld,\"seconds\":%.6f,\"ops_per_sec\":%.1f}\n",
	       forks * procs, t1 - t0, forks * procs / (t1 - t0));
	return 0;
}
