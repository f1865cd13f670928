// SPDX-License-Identifier: MIT
/*
 * scx_rec loader (runs in the guest, linked statically).
 *
 *   scx_rec [-s SEED] [-c CYCLES] [-t ON_MS] [-g OFF_MS] [-L] [-o OUT]
 *
 * Loads scx_rec.bpf.o once (expensive under TCG), then attaches and detaches
 * the struct_ops scheduler CYCLES times (ON_MS enabled, OFF_MS disabled),
 * draining the event ring buffer to OUT (default /dev/vport0p1) throughout.
 * Prints one "scx_rec: ..." line per step on stderr (the guest console).
 *
 * -L (the lifecycle session): odd cycles attach the SCX_OPS_SWITCH_PARTIAL
 * copy of the scheduler; in every cycle, a third into it, the loader runs
 * rec_create_tmp_dsq (scx_bpf_create_dsq from a syscall program) and asks
 * the next ops.dispatch to scx_bpf_destroy_dsq it; the last cycle (when
 * there are at least two) ends with an scx_bpf_error() requested from
 * ops.dispatch two thirds into it, and the loader waits for that exit
 * before it detaches.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <bpf/bpf.h>
#include "rec_loader.h"
#include "scx_rec.skel.h"

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	int cycles = 3, on_ms = 4000, off_ms = 1000, opt, i;
	const char *out = "/dev/vport0p1";
	struct rec_out *o;
	struct scx_rec *skel;
	struct ring_buffer *rb;
	int nr_cpus = libbpf_num_possible_cpus();
	uint64_t t0 = now_ns();
	char st[64];

	int lifecycle = 0;

	while ((opt = getopt(argc, argv, "s:c:t:g:o:L")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': cycles = atoi(optarg); break;
		case 't': on_ms = atoi(optarg); break;
		case 'g': off_ms = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'L': lifecycle = 1; break;
		default:
			fprintf(stderr, "usage: %s [-s seed] [-c cycles] [-t on_ms] [-g off_ms] [-L] [-o out]\n", argv[0]);
			return 1;
		}
	}
	libbpf_set_print(libbpf_print);
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);

	o = calloc(1, sizeof(*o));
	o->fd = rec_open_out(out);

	skel = scx_rec__open();
	if (!skel) {
		fprintf(stderr, "scx_rec: open failed: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->seed = seed ? seed : 1;
	skel->rodata->nr_cpus = (uint32_t)nr_cpus;
	skel->rodata->lifecycle = (uint32_t)lifecycle;
	/* Do not auto-attach the scheduler; we attach it per cycle below. */
	bpf_map__set_autoattach(skel->maps.rec_ops, false);
	bpf_map__set_autoattach(skel->maps.rec_ops_partial, false);
	if (scx_rec__load(skel)) {
		fprintf(stderr, "scx_rec: load failed: %s\n", strerror(errno));
		return 1;
	}
	if (scx_rec__attach(skel)) { /* tracepoints only */
		fprintf(stderr, "scx_rec: tracepoint attach failed: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "scx_rec: loaded in %.2fs (seed=%llu cpus=%d)\n",
		(now_ns() - t0) / 1e9, (unsigned long long)seed, nr_cpus);

	o->seq = &skel->bss->rec_seq;
	o->drops = &skel->bss->rec_drops;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), rec_rb_cb, o, NULL);
	if (!rb) {
		fprintf(stderr, "scx_rec: ring_buffer__new failed\n");
		return 1;
	}
	rec_header(o, (uint32_t)nr_cpus, SCXT_SCHED_REC, seed, 0);
	rec_meta(o, SCXT_META_SESSION_BEGIN, getpid(), SCXT_SCHED_REC, seed, nr_cpus);
	skel->bss->rec_enabled = 1;

	for (i = 0; i < cycles && !stop; i++) {
		struct bpf_link *link;
		int err = 0, partial = lifecycle && (i % 2 == 1);
		int want_error = lifecycle && cycles >= 2 && i == cycles - 1;

		skel->bss->exit_kind = 0;
		skel->bss->cur_cycle = (uint32_t)i;
		skel->bss->error_request = 0;
		skel->bss->destroy_request = 0;
		link = bpf_map__attach_struct_ops(partial ? skel->maps.rec_ops_partial
							  : skel->maps.rec_ops);
		if (!link)
			err = -errno;
		rec_meta(o, SCXT_META_ATTACH, getpid(), i, (uint64_t)(int64_t)err, 0);
		scx_state(st, sizeof(st));
		fprintf(stderr, "scx_rec: cycle %d attach %s%s (state=%s)\n", i,
			err ? strerror(-err) : "ok", partial ? " partial" : "", st);
		if (err) {
			rec_drain_for(o, rb, 0);
			break;
		}
		if (lifecycle) {
			LIBBPF_OPTS(bpf_test_run_opts, topts);
			int third = on_ms / 3, r;

			rec_drain_for(o, rb, third);
			r = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.rec_create_tmp_dsq), &topts);
			skel->bss->destroy_request = 1;
			fprintf(stderr, "scx_rec: cycle %d create_dsq(0x200) run=%d\n", i, r);
			rec_drain_for(o, rb, third);
			if (want_error) {
				int waited = 0;

				skel->bss->error_request = 1;
				fprintf(stderr, "scx_rec: cycle %d requested scx_bpf_error\n", i);
				while (!skel->bss->exit_kind && waited < 5000) {
					rec_drain_for(o, rb, 20);
					waited += 20;
				}
				rec_drain_for(o, rb, 50);
			} else {
				rec_drain_for(o, rb, on_ms - 2 * third);
			}
		} else {
			rec_drain_for(o, rb, on_ms);
		}
		scx_state(st, sizeof(st));
		bpf_link__destroy(link);
		rec_drain_for(o, rb, 50);
		rec_meta(o, SCXT_META_DETACH, getpid(), i,
			 (uint64_t)(int64_t)skel->bss->exit_kind, 0);
		fprintf(stderr, "scx_rec: cycle %d detach (state before=%s exit_kind=%d reason=%s) records=%llu drops=%llu\n",
			i, st, skel->bss->exit_kind, skel->bss->exit_reason,
			(unsigned long long)o->nr_written,
			(unsigned long long)*o->drops);
		if (skel->bss->exit_kind >= 1024 && want_error && skel->bss->error_request == 2)
			fprintf(stderr, "scx_rec: cycle %d requested error exit observed exit_kind=%d\n",
				i, skel->bss->exit_kind);
		else if (skel->bss->exit_kind >= 1024) /* SCX_EXIT_ERROR* */
			fprintf(stderr, "scx_rec: SCHEDULER ERROR exit_kind=%d\n",
				skel->bss->exit_kind);
		rec_drain_for(o, rb, off_ms);
	}
	skel->bss->rec_enabled = 0;
	rec_drain_for(o, rb, 100);
	rec_meta(o, SCXT_META_DROPS, getpid(), *o->drops, *o->seq, 0);
	rec_meta(o, SCXT_META_SESSION_END, getpid(), *o->seq, *o->drops, i);
	rec_flush(o);
	fprintf(stderr, "scx_rec: done cycles=%d records=%llu drops=%llu seq=%llu\n", i,
		(unsigned long long)o->nr_written, (unsigned long long)*o->drops,
		(unsigned long long)*o->seq);
	ring_buffer__free(rb);
	scx_rec__destroy(skel);
	close(o->fd);
	return 0;
}
