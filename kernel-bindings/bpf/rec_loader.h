/* SPDX-License-Identifier: MIT */
/*
 * Shared user-space part of scxmc's guest loaders: writing the trace header,
 * meta records and draining the BPF ring buffer to an output fd
 * (/dev/vport0p1 in the guest).
 */
#ifndef SCXMC_REC_LOADER_H
#define SCXMC_REC_LOADER_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "scx_trace_abi.h"

/* kernel-style types used by bpftool-generated skeletons */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

struct rec_out {
	int fd;
	unsigned char buf[1 << 16];
	size_t len;
	volatile uint64_t *seq;   /* mmap'ed BPF .bss rec_seq */
	volatile uint64_t *drops; /* mmap'ed BPF .bss rec_drops */
	uint64_t nr_written;
};

static inline void rec_flush(struct rec_out *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			fprintf(stderr, "scxmc-loader: write trace: %s\n", strerror(errno));
			exit(3);
		}
		off += (size_t)n;
	}
	o->len = 0;
}

static inline void rec_put(struct rec_out *o, const void *p, size_t n)
{
	if (o->len + n > sizeof(o->buf))
		rec_flush(o);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void rec_meta(struct rec_out *o, uint16_t kind, uint32_t pid,
			    uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct scxt_record r;

	memset(&r, 0, sizeof(r));
	r.seq = __atomic_fetch_add(o->seq, 1, __ATOMIC_SEQ_CST);
	r.ts_ns = now_ns();
	r.kind = kind;
	r.cpu = (uint16_t)sched_getcpu();
	r.pid = pid;
	r.arg[0] = a0;
	r.arg[1] = a1;
	r.arg[2] = a2;
	rec_put(o, &r, sizeof(r));
	o->nr_written++;
}

static inline void rec_header(struct rec_out *o, uint32_t nr_cpus, uint32_t sched,
			      uint64_t seed, uint16_t flags)
{
	struct scxt_header h;
	struct utsname u;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, SCXT_MAGIC, 8);
	h.version = SCXT_VERSION;
	h.header_size = SCXT_HEADER_SIZE;
	h.record_size = SCXT_RECORD_SIZE;
	h.flags = flags;
	h.nr_cpus = nr_cpus;
	h.scheduler = sched;
	h.seed = seed;
	if (!uname(&u))
		strncpy(h.kernel_release, u.release, sizeof(h.kernel_release) - 1);
	rec_put(o, &h, sizeof(h));
	rec_flush(o);
}

static inline int rec_rb_cb(void *ctx, void *data, size_t size)
{
	struct rec_out *o = ctx;

	if (size != SCXT_RECORD_SIZE)
		return 0;
	rec_put(o, data, size);
	o->nr_written++;
	return 0;
}

/* Drain the ring buffer for @ms milliseconds (or once if @ms == 0). */
static inline void rec_drain_for(struct rec_out *o, struct ring_buffer *rb, int ms)
{
	uint64_t end = now_ns() + (uint64_t)ms * 1000000ull;

	do {
		ring_buffer__consume(rb);
		rec_flush(o);
		if (ms)
			usleep(20000);
	} while (ms && now_ns() < end);
	ring_buffer__consume(rb);
	rec_flush(o);
}

static inline int rec_open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "scxmc-loader: open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

/* Read a sched_ext state file ("enabled", "disabled", ...). */
static inline void scx_state(char *buf, size_t n)
{
	FILE *f = fopen("/sys/kernel/sched_ext/state", "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)n, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

#endif
