// SPDX-License-Identifier: MIT
/*
 * scx_obs loader: runs one of the kernel's example schedulers, unmodified,
 * and records it with the scx_obs observer.
 *
 *   scx_obs -S simple|central|qmap -b SCHED.bpf.o [-c CYCLES] [-t ON_MS]
 *           [-g OFF_MS] [-o OUT]
 *
 * The scheduler's BPF object (compiled from linux-source, unmodified) is
 * opened and loaded here rather than by its own user-space program so that
 * the observer's fentry/fexit programs are attached to its struct_ops
 * programs *before* the scheduler is enabled: the trace then starts with the
 * scheduler's very first callback.  What the scheduler's own user space does
 * before loading is reproduced: the __SCX_* enum constants in .rodata are
 * set from the kernel's BTF (SCX_ENUM_INIT), central's rodata
 * (central_cpu, nr_cpu_ids, slice_ns) is set and its per-CPU .data arrays
 * resized (RESIZE_ARRAY).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <bpf/btf.h>
#include "rec_loader.h"
#include "scx_obs.skel.h"

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Find enumerator @name in the kernel's BTF. */
static int kernel_enum(const struct btf *kbtf, const char *name, uint64_t *val)
{
	uint32_t n = btf__type_cnt(kbtf), i, j;

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(kbtf, i);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			for (j = 0; j < btf_vlen(t); j++)
				if (!strcmp(btf__name_by_offset(kbtf, e[j].name_off), name)) {
					*val = (uint64_t)(int64_t)e[j].val;
					return 0;
				}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);
			for (j = 0; j < btf_vlen(t); j++)
				if (!strcmp(btf__name_by_offset(kbtf, e[j].name_off), name)) {
					*val = btf_enum64_value(&e[j]);
					return 0;
				}
		}
	}
	return -ENOENT;
}

/* Set a .rodata variable of the target object by name (sizes 1/4/8). */
static int set_rodata(struct bpf_object *obj, const char *var, uint64_t v, int *nset)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;
	size_t sz;
	void *data = NULL;
	int id;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__is_internal(m) && strlen(bpf_map__name(m)) >= 7 &&
		    !strcmp(bpf_map__name(m) + strlen(bpf_map__name(m)) - 7, ".rodata")) {
			data = bpf_map__initial_value(m, &sz);
			break;
		}
	if (!btf || !data)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	const struct btf_type *ds = btf__type_by_id(btf, id);
	const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
	for (unsigned i = 0; i < btf_vlen(ds); i++) {
		const struct btf_type *vt = btf__type_by_id(btf, vs[i].type);
		if (strcmp(btf__name_by_offset(btf, vt->name_off), var))
			continue;
		if (vs[i].offset + vs[i].size > sz)
			return -ERANGE;
		memcpy((char *)data + vs[i].offset, &v, vs[i].size < 8 ? vs[i].size : 8);
		if (nset)
			(*nset)++;
		return 0;
	}
	return -ENOENT;
}

/* SCX_ENUM_INIT equivalent: every .rodata var "__SCX_X" := kernel enum SCX_X */
static int scx_enum_init(struct bpf_object *obj, const struct btf *kbtf)
{
	struct btf *btf = bpf_object__btf(obj);
	int id, n = 0, missing = 0;

	if (!btf)
		return 0;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return 0;
	const struct btf_type *ds = btf__type_by_id(btf, id);
	const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
	for (unsigned i = 0; i < btf_vlen(ds); i++) {
		const char *name = btf__name_by_offset(btf, btf__type_by_id(btf, vs[i].type)->name_off);
		uint64_t v;
		if (strncmp(name, "__SCX_", 6))
			continue;
		if (kernel_enum(kbtf, name + 2, &v)) {
			missing++;
			continue;
		}
		set_rodata(obj, name, v, &n);
	}
	fprintf(stderr, "scx_obs: set %d __SCX_* enum constants from kernel BTF (%d not in kernel)\n", n, missing);
	return n;
}

static const char *members[] = {
	"select_cpu", "enqueue", "dequeue", "dispatch", "runnable", "running", "stopping",
	"quiescent", "enable", "disable", "tick", "set_weight", "init_task", "exit_task",
	"init", "exit",
};

int main(int argc, char **argv)
{
	const char *sname = NULL, *bpfo = NULL, *out = "/dev/vport0p1";
	int cycles = 3, on_ms = 4000, off_ms = 1000, opt, i, sid = SCXT_SCHED_UNKNOWN;
	int nr_cpus = libbpf_num_possible_cpus(), nattached = 0;
	uint64_t t0 = now_ns();
	struct bpf_object *tobj;
	struct bpf_map *ops = NULL, *m;
	struct scx_obs *skel;
	struct ring_buffer *rb;
	struct rec_out *o;
	struct btf *kbtf;
	char st[64];

	while ((opt = getopt(argc, argv, "S:b:c:t:g:o:")) != -1) {
		switch (opt) {
		case 'S': sname = optarg; break;
		case 'b': bpfo = optarg; break;
		case 'c': cycles = atoi(optarg); break;
		case 't': on_ms = atoi(optarg); break;
		case 'g': off_ms = atoi(optarg); break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: %s -S name -b obj.bpf.o [-c cycles] [-t on_ms] [-g off_ms] [-o out]\n", argv[0]);
			return 1;
		}
	}
	if (!sname || !bpfo) {
		fprintf(stderr, "scx_obs: -S and -b are required\n");
		return 1;
	}
	if (!strcmp(sname, "simple")) sid = SCXT_SCHED_SIMPLE;
	else if (!strcmp(sname, "central")) sid = SCXT_SCHED_CENTRAL;
	else if (!strcmp(sname, "qmap")) sid = SCXT_SCHED_QMAP;
	libbpf_set_print(libbpf_print);
	signal(SIGPIPE, SIG_IGN);
	o = calloc(1, sizeof(*o));
	o->fd = rec_open_out(out);

	kbtf = btf__load_vmlinux_btf();
	if (!kbtf) {
		fprintf(stderr, "scx_obs: cannot load kernel BTF\n");
		return 1;
	}
	tobj = bpf_object__open_file(bpfo, NULL);
	if (!tobj) {
		fprintf(stderr, "scx_obs: open %s: %s\n", bpfo, strerror(errno));
		return 1;
	}
	scx_enum_init(tobj, kbtf);
	if (sid == SCXT_SCHED_CENTRAL) {
		uint64_t slice = 0;
		kernel_enum(kbtf, "SCX_SLICE_DFL", &slice);
		set_rodata(tobj, "central_cpu", 0, NULL);
		set_rodata(tobj, "nr_cpu_ids", (uint64_t)nr_cpus, NULL);
		set_rodata(tobj, "slice_ns", slice, NULL);
		bpf_object__for_each_map(m, tobj) {
			const char *n = bpf_map__name(m);
			if (strstr(n, ".data.cpu_")) {
				size_t esz = bpf_map__value_size(m);
				if (bpf_map__set_value_size(m, esz * nr_cpus))
					fprintf(stderr, "scx_obs: resize %s failed\n", n);
			}
		}
	}
	bpf_object__for_each_map(m, tobj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
			ops = m;
	if (!ops) {
		fprintf(stderr, "scx_obs: %s has no struct_ops map\n", bpfo);
		return 1;
	}
	bpf_map__set_autoattach(ops, false);
	if (bpf_object__load(tobj)) {
		fprintf(stderr, "scx_obs: SCHEDULER LOAD FAILED for %s: %s (verifier log above)\n",
			bpfo, strerror(errno));
		return 6;
	}
	fprintf(stderr, "scx_obs: loaded %s in %.2fs\n", bpfo, (now_ns() - t0) / 1e9);

	skel = scx_obs__open();
	if (!skel)
		return 1;
	/* Bind each observer program to the target program implementing the
	 * same member ("<prefix>_<member>", the naming of tools/sched_ext). */
	for (i = 0; i < (int)(sizeof(members) / sizeof(members[0])); i++) {
		const char *mem = members[i];
		struct bpf_program *tp, *target = NULL;
		char en[64], rn[64];

		bpf_object__for_each_program(tp, tobj) {
			const char *n = bpf_program__name(tp);
			const char *us = strchr(n, '_');
			if (bpf_program__type(tp) == BPF_PROG_TYPE_STRUCT_OPS && us && !strcmp(us + 1, mem))
				target = tp;
		}
		snprintf(en, sizeof(en), "obs_enter_%s", mem);
		snprintf(rn, sizeof(rn), "obs_ret_%s", mem);
		bpf_object__for_each_program(tp, skel->obj) {
			const char *n = bpf_program__name(tp);
			if (strcmp(n, en) && strcmp(n, rn))
				continue;
			if (!target) {
				bpf_program__set_autoload(tp, false);
				continue;
			}
			if (bpf_program__set_attach_target(tp, bpf_program__fd(target),
							   bpf_program__name(target))) {
				fprintf(stderr, "scx_obs: set_attach_target %s: %s\n", n, strerror(errno));
				return 1;
			}
			nattached++;
		}
	}
	if (scx_obs__load(skel)) {
		fprintf(stderr, "scx_obs: observer load failed: %s\n", strerror(errno));
		return 1;
	}
	if (scx_obs__attach(skel)) {
		fprintf(stderr, "scx_obs: observer attach failed: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "scx_obs: observer attached (%d callback programs) total %.2fs\n",
		nattached, (now_ns() - t0) / 1e9);

	o->seq = &skel->bss->rec_seq;
	o->drops = &skel->bss->rec_drops;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), rec_rb_cb, o, NULL);
	if (!rb)
		return 1;
	rec_header(o, (uint32_t)nr_cpus, (uint32_t)sid, 0, SCXT_HF_OBSERVER);
	rec_meta(o, SCXT_META_SESSION_BEGIN, getpid(), sid, 0, nr_cpus);
	skel->bss->rec_enabled = 1;

	for (i = 0; i < cycles; i++) {
		struct bpf_link *link;
		int err = 0;

		skel->bss->exit_kind = 0;
		link = bpf_map__attach_struct_ops(ops);
		if (!link)
			err = -errno;
		rec_meta(o, SCXT_META_ATTACH, getpid(), i, (uint64_t)(int64_t)err, 0);
		scx_state(st, sizeof(st));
		fprintf(stderr, "scx_obs: cycle %d attach %s (state=%s)\n", i,
			err ? strerror(-err) : "ok", st);
		if (err)
			break;
		rec_drain_for(o, rb, on_ms);
		scx_state(st, sizeof(st));
		bpf_link__destroy(link);
		rec_drain_for(o, rb, 50);
		rec_meta(o, SCXT_META_DETACH, getpid(), i, (uint64_t)(int64_t)skel->bss->exit_kind, 0);
		fprintf(stderr, "scx_obs: cycle %d detach (state before=%s exit_kind=%d) records=%llu drops=%llu\n",
			i, st, skel->bss->exit_kind, (unsigned long long)o->nr_written,
			(unsigned long long)*o->drops);
		if (skel->bss->exit_kind >= 1024)
			fprintf(stderr, "scx_obs: SCHEDULER ERROR exit_kind=%d\n", skel->bss->exit_kind);
		rec_drain_for(o, rb, off_ms);
	}
	skel->bss->rec_enabled = 0;
	rec_drain_for(o, rb, 100);
	rec_meta(o, SCXT_META_DROPS, getpid(), *o->drops, *o->seq, 0);
	rec_meta(o, SCXT_META_SESSION_END, getpid(), *o->seq, *o->drops, i);
	rec_flush(o);
	fprintf(stderr, "scx_obs: done cycles=%d records=%llu drops=%llu seq=%llu\n", i,
		(unsigned long long)o->nr_written, (unsigned long long)*o->drops,
		(unsigned long long)*o->seq);
	return 0;
}
