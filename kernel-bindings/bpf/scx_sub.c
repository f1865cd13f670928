// SPDX-License-Identifier: MIT
/*
 * scx_sub loader (runs in the guest, linked statically): the sub-scheduler
 * session of issue 19.
 *
 *   scx_sub [-s SEED] [-c CYCLES] [-t ON_MS] [-g OFF_MS] [-C CGROUP] [-G] [-o OUT]
 *
 * Opens and loads scx_sub.bpf.o twice: the root instance (sched_tag 1, with
 * ops.sub_attach/sub_detach, and the tracepoints and lifecycle probes
 * attached) and the child instance (sched_tag 2, sub_cgroup_id = the inode
 * of CGROUP, default /sys/fs/cgroup/b), which reuses the root's ring buffer
 * and .bss so that both write one stream with one seq counter.  Each cycle:
 * attach the root, a quarter of ON_MS later attach the child, half of ON_MS
 * later detach the child, a quarter later detach the root, then OFF_MS
 * with neither.  The workload (scx_work -L) moves tasks into and out of
 * the child's cgroup throughout.  -G: the root's ops.sub_attach grants the
 * child SCX_CAP_BASE on every online cid (scx_bpf_sub_grant).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "rec_loader.h"
#include "scx_sub.skel.h"

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

static struct bpf_link *attach(struct rec_out *o, struct ring_buffer *rb, struct scx_sub *s, int cycle,
			       int tag)
{
	struct bpf_link *link = bpf_map__attach_struct_ops(s->maps.sub_ops);
	int err = link ? 0 : -errno;
	char st[64];

	rec_meta(o, SCXT_META_ATTACH, getpid(), cycle, (uint64_t)(int64_t)err, tag);
	rec_drain_for(o, rb, 0);
	scx_state(st, sizeof(st));
	fprintf(stderr, "scx_sub: cycle %d attach %s: %s (state=%s)\n", cycle, tag == 1 ? "root" : "child",
		err ? strerror(-err) : "ok", st);
	return link;
}

static void detach(struct rec_out *o, struct ring_buffer *rb, struct bpf_link *link, int cycle, int tag,
		   volatile int32_t *exit_kind, const char *reason)
{
	if (!link)
		return;
	bpf_link__destroy(link);
	rec_drain_for(o, rb, 50);
	rec_meta(o, SCXT_META_DETACH, getpid(), cycle, (uint64_t)(int64_t)*exit_kind, tag);
	fprintf(stderr, "scx_sub: cycle %d detach %s exit_kind=%d reason=%s records=%llu drops=%llu\n", cycle,
		tag == 1 ? "root" : "child", *exit_kind, reason, (unsigned long long)o->nr_written,
		(unsigned long long)*o->drops);
	if (*exit_kind >= 1024)
		fprintf(stderr, "scx_sub: SCHEDULER ERROR (%s) exit_kind=%d\n", tag == 1 ? "root" : "child", *exit_kind);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, cgid;
	int cycles = 2, on_ms = 4000, off_ms = 1000, opt, i, grant = 0;
	const char *out = "/dev/vport0p1", *cgroup = "/sys/fs/cgroup/b";
	struct rec_out *o;
	struct scx_sub *root, *child;
	struct ring_buffer *rb;
	struct stat sb;
	int nr_cpus = libbpf_num_possible_cpus();
	uint64_t t0 = now_ns();

	while ((opt = getopt(argc, argv, "s:c:t:g:o:C:GL")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': cycles = atoi(optarg); break;
		case 't': on_ms = atoi(optarg); break;
		case 'g': off_ms = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'C': cgroup = optarg; break;
		case 'G': grant = 1; break;
		case 'L': break; /* (the session is always the lifecycle one) */
		default:
			fprintf(stderr, "usage: %s [-s seed] [-c cycles] [-t on_ms] [-g off_ms] [-C cgroup] [-G] [-o out]\n",
				argv[0]);
			return 1;
		}
	}
	libbpf_set_print(libbpf_print);
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	if (stat(cgroup, &sb) < 0) {
		fprintf(stderr, "scx_sub: stat %s: %s\n", cgroup, strerror(errno));
		return 1;
	}
	cgid = sb.st_ino; /* the cgroup id is the kernfs inode (as scx_qmap.c does) */

	o = calloc(1, sizeof(*o));
	o->fd = rec_open_out(out);

	root = scx_sub__open();
	if (!root) {
		fprintf(stderr, "scx_sub: open root failed: %s\n", strerror(errno));
		return 1;
	}
	root->rodata->sched_tag = 1;
	root->rodata->child_cgroup_id = cgid;
	root->rodata->grant_child = (uint32_t)grant;
	bpf_map__set_autoattach(root->maps.sub_ops, false);
	if (scx_sub__load(root)) {
		fprintf(stderr, "scx_sub: load root failed: %s\n", strerror(errno));
		return 1;
	}
	if (scx_sub__attach(root)) { /* tracepoints and probes only */
		fprintf(stderr, "scx_sub: tracepoint attach failed: %s\n", strerror(errno));
		return 1;
	}

	child = scx_sub__open();
	if (!child) {
		fprintf(stderr, "scx_sub: open child failed: %s\n", strerror(errno));
		return 1;
	}
	child->rodata->sched_tag = 2;
	child->rodata->child_cgroup_id = 0;
	child->struct_ops.sub_ops->sub_cgroup_id = cgid;
	child->struct_ops.sub_ops->sub_attach = NULL;
	child->struct_ops.sub_ops->sub_detach = NULL;
	bpf_map__set_autoattach(child->maps.sub_ops, false);
	if (bpf_map__reuse_fd(child->maps.events, bpf_map__fd(root->maps.events)) ||
	    bpf_map__reuse_fd(child->maps.bss, bpf_map__fd(root->maps.bss))) {
		fprintf(stderr, "scx_sub: reusing the root's ring buffer and .bss failed: %s\n", strerror(errno));
		return 1;
	}
	if (scx_sub__load(child)) {
		fprintf(stderr, "scx_sub: load child failed: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "scx_sub: loaded root and child in %.2fs (seed=%llu cpus=%d child cgroup %s id %llu)\n",
		(now_ns() - t0) / 1e9, (unsigned long long)seed, nr_cpus, cgroup, (unsigned long long)cgid);

	o->seq = &root->bss->rec_seq;
	o->drops = &root->bss->rec_drops;
	rb = ring_buffer__new(bpf_map__fd(root->maps.events), rec_rb_cb, o, NULL);
	if (!rb) {
		fprintf(stderr, "scx_sub: ring_buffer__new failed\n");
		return 1;
	}
	rec_header(o, (uint32_t)nr_cpus, SCXT_SCHED_SUB, seed, 0);
	rec_meta(o, SCXT_META_SESSION_BEGIN, getpid(), SCXT_SCHED_SUB, seed, nr_cpus);
	root->bss->rec_enabled = 1;

	for (i = 0; i < cycles && !stop; i++) {
		struct bpf_link *lr, *lc;
		int q = on_ms / 4;

		root->bss->exit_kind[1] = root->bss->exit_kind[2] = 0;
		lr = attach(o, rb, root, i, 1);
		if (!lr)
			break;
		rec_drain_for(o, rb, q);
		lc = attach(o, rb, child, i, 2);
		rec_drain_for(o, rb, on_ms - 2 * q);
		detach(o, rb, lc, i, 2, &root->bss->exit_kind[2], root->bss->exit_reason[2]);
		rec_drain_for(o, rb, q);
		detach(o, rb, lr, i, 1, &root->bss->exit_kind[1], root->bss->exit_reason[1]);
		rec_drain_for(o, rb, off_ms);
	}
	root->bss->rec_enabled = 0;
	rec_drain_for(o, rb, 100);
	rec_meta(o, SCXT_META_DROPS, getpid(), *o->drops, *o->seq, 0);
	rec_meta(o, SCXT_META_SESSION_END, getpid(), *o->seq, *o->drops, i);
	rec_flush(o);
	fprintf(stderr, "scx_sub: done cycles=%d records=%llu drops=%llu seq=%llu\n", i,
		(unsigned long long)o->nr_written, (unsigned long long)*o->drops, (unsigned long long)*o->seq);
	ring_buffer__free(rb);
	scx_sub__destroy(child);
	scx_sub__destroy(root);
	close(o->fd);
	return 0;
}
