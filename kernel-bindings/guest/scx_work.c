// SPDX-License-Identifier: MIT
/*
 * scx_work: guest workload for scxmc recordings (static, runs under busybox).
 *
 *   scx_work [-d SECONDS] [-s SEED] [-w WORKERS] [-L]
 *
 * - WORKERS processes doing wake/sleep churn: spin a random 0-2 ms, then
 *   sleep a random 0-3 ms (nanosleep) or block on a pipe ping-pong partner;
 * - the main process, every ~10 ms, changes the CPU affinity
 *   (sched_setaffinity) or the nice value (setpriority) of a random worker,
 *   whether it is running, queued or sleeping at that moment;
 * - every ~50 ms it forks a short-lived child that spins 0-4 ms and exits.
 * With -L (the lifecycle session) the main process also, every round,
 * - switches a random worker between SCHED_EXT and SCHED_NORMAL
 *   (sched_setscheduler), whether or not a scheduler is attached;
 * - moves a random worker between the cgroup v2 groups /sys/fs/cgroup,
 *   /sys/fs/cgroup/a and /sys/fs/cgroup/b, and now and then creates and
 *   removes /sys/fs/cgroup/tN (ops.cgroup_init/exit);
 * and one more process forks a short-lived child every 0-2 ms, so that
 * forks and exits fall inside the scheduler's enable and disable.
 * Prints a one-line summary on stderr at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SCHED_EXT
#define SCHED_EXT 7
#endif

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void spin_us(uint32_t us)
{
	uint64_t end = now_ns() + (uint64_t)us * 1000;
	volatile uint64_t x = 0;

	while (now_ns() < end)
		x++;
}

static void sleep_us(uint32_t us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void worker(int id, int rfd, int wfd, uint64_t deadline)
{
	char c = 0;

	rng = rng * 31 + (uint64_t)id * 0x9E3779B97F4A7C15ULL + 1;
	while (now_ns() < deadline) {
		spin_us(rnd() % 2000);
		if (rfd >= 0 && rnd() % 3 == 0) {
			/* ping-pong with the partner: wake it, then block */
			if (write(wfd, &c, 1) < 0)
				break;
			if (read(rfd, &c, 1) <= 0)
				break;
		} else {
			sleep_us(rnd() % 3000);
		}
	}
	_exit(0);
}

/* Fork a short-lived child every 0-2 ms until the deadline. */
static void forker(uint64_t deadline)
{
	rng = rng * 17 + 0x5851F42D4C957F2DULL;
	while (now_ns() < deadline) {
		pid_t c = fork();

		if (c == 0) {
			spin_us(rnd() % 500);
			if (rnd() % 2)
				sleep_us(rnd() % 1000);
			_exit(0);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sleep_us(rnd() % 2000);
	}
	_exit(0);
}

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v) ? 0 : -1;
	close(fd);
	return ok;
}

static const char *const cgroups[] = { "/sys/fs/cgroup/cgroup.procs",
				       "/sys/fs/cgroup/a/cgroup.procs",
				       "/sys/fs/cgroup/b/cgroup.procs" };

int main(int argc, char **argv)
{
	int lifecycle = 0;
	long n_policy = 0, n_cgmove = 0, n_cgmk = 0;
	pid_t forker_pid = -1;
	int seconds = 20, nworkers = 4, opt, i, nr_children = 0;
	uint64_t seed = 1, deadline, next_fork;
	pid_t pids[64];
	long n_aff = 0, n_nice = 0, n_fork = 0;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	while ((opt = getopt(argc, argv, "d:s:w:L")) != -1) {
		switch (opt) {
		case 'd': seconds = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'w': nworkers = atoi(optarg); break;
		case 'L': lifecycle = 1; break;
		default:
			fprintf(stderr, "usage: %s [-d seconds] [-s seed] [-w workers]\n", argv[0]);
			return 1;
		}
	}
	if (nworkers < 2)
		nworkers = 2;
	if (nworkers > 64)
		nworkers = 64;
	if (ncpu < 1)
		ncpu = 1;
	rng = seed * 0x9E3779B97F4A7C15ULL + 7;
	deadline = now_ns() + (uint64_t)seconds * 1000000000ull;

	/* Workers 0/1 are a pipe ping-pong pair; the rest sleep/spin. */
	int ab[2], ba[2];
	if (pipe(ab) || pipe(ba)) {
		perror("pipe");
		return 1;
	}
	for (i = 0; i < nworkers; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			if (i == 0)
				worker(i, ba[0], ab[1], deadline);
			else if (i == 1) {
				char c = 0;
				if (write(ba[1], &c, 1) < 0) /* prime the pair */
					_exit(1);
				worker(i, ab[0], ba[1], deadline);
			} else
				worker(i, -1, -1, deadline);
		}
		pids[i] = pid;
	}

	if (lifecycle) {
		forker_pid = fork();
		if (forker_pid == 0)
			forker(deadline);
	}

	next_fork = now_ns();
	while (now_ns() < deadline) {
		pid_t t = pids[rnd() % nworkers];

		if (lifecycle) {
			struct sched_param sp = { .sched_priority = 0 };
			pid_t u = pids[rnd() % nworkers];
			char buf[64];

			if (!sched_setscheduler(u, rnd() % 2 ? SCHED_EXT : SCHED_OTHER, &sp))
				n_policy++;
			snprintf(buf, sizeof(buf), "%d", (int)pids[rnd() % nworkers]);
			if (!write_str(cgroups[rnd() % 3], buf))
				n_cgmove++;
			if (rnd() % 8 == 0) {
				snprintf(buf, sizeof(buf), "/sys/fs/cgroup/t%u", rnd() % 2);
				if (!mkdir(buf, 0755) || !rmdir(buf))
					n_cgmk++;
			}
		}

		if (rnd() % 2) {
			cpu_set_t set;
			int c;

			CPU_ZERO(&set);
			for (c = 0; c < ncpu; c++)
				if (rnd() % 2)
					CPU_SET(c, &set);
			if (!CPU_COUNT(&set))
				CPU_SET(rnd() % ncpu, &set);
			if (!sched_setaffinity(t, sizeof(set), &set))
				n_aff++;
		} else {
			if (!setpriority(PRIO_PROCESS, (id_t)t, (int)(rnd() % 16) - 5))
				n_nice++;
		}
		if (now_ns() >= next_fork) {
			pid_t c = fork();
			if (c == 0) {
				spin_us(rnd() % 4000);
				_exit(0);
			}
			if (c > 0) {
				n_fork++;
				nr_children++;
			}
			next_fork = now_ns() + 50000000ull;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sleep_us(5000 + rnd() % 10000);
	}
	for (i = 0; i < nworkers; i++)
		kill(pids[i], SIGKILL);
	if (forker_pid > 0)
		kill(forker_pid, SIGKILL);
	close(ab[0]); close(ab[1]); close(ba[0]); close(ba[1]);
	while (wait(NULL) > 0)
		;
	fprintf(stderr, "scx_work: done seconds=%d workers=%d affinity_changes=%ld nice_changes=%ld forks=%ld"
		" policy_changes=%ld cgroup_moves=%ld cgroup_mkdir_rmdir=%ld\n",
		seconds, nworkers, n_aff, n_nice, n_fork, n_policy, n_cgmove, n_cgmk);
	return 0;
}
