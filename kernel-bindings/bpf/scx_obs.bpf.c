// SPDX-License-Identifier: GPL-2.0
/*
 * scx_obs: scxmc's observer.  Records another sched_ext scheduler (the
 * kernel's scx_simple / scx_central, unmodified) without changing it:
 *   - fentry programs attached to the scheduler's struct_ops programs (the
 *     target program's only argument is its ctx array; the callback's own
 *     arguments are read from it with bpf_probe_read_kernel), and fexit
 *     programs for the callbacks that return a value (bpf_get_func_ret);
 *   - fexit programs on the sched_ext kfuncs themselves (arguments and
 *     result), tagged with the callback last entered on the CPU;
 *   - the kernel tracepoints of rec_common.bpf.h.
 * The attach targets are set by the loader (scx_obs.c) at run time.
 */
#include "rec_common.bpf.h"

/* per-CPU: the callback kind last entered on this CPU (kfunc "caller") */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, u64);
} obs_cpu SEC(".maps");

s32 exit_kind = 0;

static __always_inline void set_caller(u16 kind)
{
	u32 k = 0;
	u64 *v = bpf_map_lookup_elem(&obs_cpu, &k);

	if (v)
		*v = kind;
}

static __always_inline u64 get_caller(void)
{
	u32 k = 0;
	u64 *v = bpf_map_lookup_elem(&obs_cpu, &k);

	return v ? *v : 0;
}

/* Read the callback's argument array (the target prog's ctx). */
static __always_inline void targs(u64 *ctx, u64 *a, u32 n)
{
	u64 tctx = 0;

	bpf_get_func_arg(ctx, 0, &tctx);
	bpf_probe_read_kernel(a, n * sizeof(u64), (void *)tctx);
}

static __always_inline u32 ppid(u64 p)
{
	struct task_struct *t = (void *)p;

	return p ? (u32)BPF_CORE_READ(t, pid) : 0;
}

#define OBS_ENTER(member, KIND, NARGS, body)				\
SEC("fentry/placeholder")						\
int obs_enter_##member(u64 *ctx)					\
{									\
	u64 a[4] = {};							\
	targs(ctx, a, NARGS);						\
	set_caller(KIND);						\
	body;								\
	return 0;							\
}

OBS_ENTER(select_cpu, SCXT_CB_SELECT_CPU, 3,
	  EMIT2(SCXT_CB_SELECT_CPU, ppid(a[0]), (u64)(s64)(s32)a[1], a[2]))
OBS_ENTER(enqueue, SCXT_CB_ENQUEUE, 2, EMIT1(SCXT_CB_ENQUEUE, ppid(a[0]), a[1]))
OBS_ENTER(dequeue, SCXT_CB_DEQUEUE, 2, EMIT1(SCXT_CB_DEQUEUE, ppid(a[0]), a[1]))
OBS_ENTER(dispatch, SCXT_CB_DISPATCH, 2,
	  EMIT2(SCXT_CB_DISPATCH, ppid(a[1]), (u64)(s64)(s32)a[0], a[1] != 0))
OBS_ENTER(runnable, SCXT_CB_RUNNABLE, 2, EMIT1(SCXT_CB_RUNNABLE, ppid(a[0]), a[1]))
OBS_ENTER(running, SCXT_CB_RUNNING, 1, EMIT0(SCXT_CB_RUNNING, ppid(a[0])))
OBS_ENTER(stopping, SCXT_CB_STOPPING, 2,
	  EMIT1(SCXT_CB_STOPPING, ppid(a[0]), (a[1] & 0xff) != 0))
OBS_ENTER(quiescent, SCXT_CB_QUIESCENT, 2, EMIT1(SCXT_CB_QUIESCENT, ppid(a[0]), a[1]))
OBS_ENTER(enable, SCXT_CB_ENABLE, 1, EMIT0(SCXT_CB_ENABLE, ppid(a[0])))
OBS_ENTER(disable, SCXT_CB_DISABLE, 1, EMIT0(SCXT_CB_DISABLE, ppid(a[0])))
OBS_ENTER(tick, SCXT_CB_TICK, 1, EMIT0(SCXT_CB_TICK, ppid(a[0])))
OBS_ENTER(set_weight, SCXT_CB_SET_WEIGHT, 2,
	  EMIT1(SCXT_CB_SET_WEIGHT, ppid(a[0]), (u32)a[1]))
OBS_ENTER(init_task, SCXT_CB_INIT_TASK, 2, {
	struct scx_init_task_args *ia = (void *)a[1];
	bool fork = BPF_CORE_READ(ia, fork);
	EMIT1(SCXT_CB_INIT_TASK, ppid(a[0]), fork);
})
OBS_ENTER(exit_task, SCXT_CB_EXIT_TASK, 2, {
	struct scx_exit_task_args *ea = (void *)a[1];
	bool c = BPF_CORE_READ(ea, cancelled);
	EMIT1(SCXT_CB_EXIT_TASK, ppid(a[0]), c);
})
OBS_ENTER(init, SCXT_CB_INIT, 0, EMIT0(SCXT_CB_INIT, 0))
OBS_ENTER(exit, SCXT_CB_EXIT, 1, {
	struct scx_exit_info *ei = (void *)a[0];
	s32 k = BPF_CORE_READ(ei, kind);
	exit_kind = k;
	EMIT2(SCXT_CB_EXIT, 0, (u64)(s64)k, BPF_CORE_READ(ei, exit_code));
})

#define OBS_RET(member, KIND)						\
SEC("fexit/placeholder")						\
int obs_ret_##member(u64 *ctx)						\
{									\
	u64 a[1] = {}, ret = 0;						\
	targs(ctx, a, 1);						\
	bpf_get_func_ret(ctx, &ret);					\
	EMIT1(KIND, KIND == SCXT_CB_INIT_RET ? 0 : ppid(a[0]),		\
	      (u64)(s64)(s32)ret);					\
	return 0;							\
}
OBS_RET(select_cpu, SCXT_CB_SELECT_CPU_RET)
OBS_RET(init_task, SCXT_CB_INIT_TASK_RET)

SEC("fexit/placeholder")
int obs_ret_init(u64 *ctx)
{
	u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	EMIT1(SCXT_CB_INIT_RET, 0, (u64)(s64)(s32)ret);
	return 0;
}

/* ---- kfuncs (kernel functions; args read with bpf_get_func_arg) ---- */

static __always_inline u64 farg(u64 *ctx, u32 i)
{
	u64 v = 0;

	bpf_get_func_arg(ctx, i, &v);
	return v;
}

static __always_inline u64 fret(u64 *ctx)
{
	u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return v;
}

/* v1 wrappers may or may not call the ___v2 function out of line: the
 * per-CPU slot 1 makes sure each call is logged exactly once. */
static __always_inline u64 *v1_slot(void)
{
	u32 k = 1;

	return bpf_map_lookup_elem(&obs_cpu, &k);
}

SEC("fexit/scx_bpf_dsq_insert___v2")
int obs_kf_insert_v2(u64 *ctx)
{
	u64 *s = v1_slot();

	if (!rec_enabled)
		return 0;
	if (s && *s == 1)
		*s = 2;
	rec_emit(SCXT_KF_DSQ_INSERT, ppid(farg(ctx, 0)), farg(ctx, 1), farg(ctx, 2),
		 farg(ctx, 3), fret(ctx) & 0xff ? 1 : 0, get_caller());
	return 0;
}

SEC("fentry/scx_bpf_dsq_insert")
int obs_kf_insert_v1_in(u64 *ctx)
{
	u64 *s = v1_slot();

	if (s)
		*s = 1;
	return 0;
}

SEC("fexit/scx_bpf_dsq_insert")
int obs_kf_insert_v1(u64 *ctx)
{
	u64 *s = v1_slot();
	bool logged = s && *s == 2;

	if (s)
		*s = 0;
	if (!rec_enabled || logged)
		return 0;
	rec_emit(SCXT_KF_DSQ_INSERT, ppid(farg(ctx, 0)), farg(ctx, 1), farg(ctx, 2),
		 farg(ctx, 3), 1, get_caller());
	return 0;
}

SEC("fexit/__scx_bpf_dsq_insert_vtime")
int obs_kf_insert_vtime(u64 *ctx)
{
	struct scx_bpf_dsq_insert_vtime_args args = {};

	if (!rec_enabled)
		return 0;
	bpf_probe_read_kernel(&args, sizeof(args), (void *)farg(ctx, 1));
	rec_emit(SCXT_KF_DSQ_INSERT, ppid(farg(ctx, 0)), args.dsq_id, args.slice,
		 args.enq_flags, fret(ctx) & 0xff ? 1 : 0, get_caller());
	return 0;
}

SEC("fexit/scx_bpf_dsq_move_to_local___v2")
int obs_kf_mtl_v2(u64 *ctx)
{
	u64 *s = v1_slot();

	if (!rec_enabled)
		return 0;
	if (s && *s == 1)
		*s = 2;
	rec_emit(SCXT_KF_DSQ_MOVE_TO_LOCAL, 0, farg(ctx, 0), farg(ctx, 1), 0,
		 fret(ctx) & 0xff ? 1 : 0, get_caller());
	return 0;
}

SEC("fentry/scx_bpf_dsq_move_to_local")
int obs_kf_mtl_v1_in(u64 *ctx)
{
	u64 *s = v1_slot();

	if (s)
		*s = 1;
	return 0;
}

SEC("fexit/scx_bpf_dsq_move_to_local")
int obs_kf_mtl_v1(u64 *ctx)
{
	u64 *s = v1_slot();
	bool logged = s && *s == 2;

	if (s)
		*s = 0;
	if (!rec_enabled || logged)
		return 0;
	rec_emit(SCXT_KF_DSQ_MOVE_TO_LOCAL, 0, farg(ctx, 0), 0, 0,
		 fret(ctx) & 0xff ? 1 : 0, get_caller());
	return 0;
}

SEC("fexit/scx_bpf_kick_cpu")
int obs_kf_kick(u64 *ctx)
{
	if (!rec_enabled)
		return 0;
	rec_emit(SCXT_KF_KICK_CPU, 0, (u64)(s64)(s32)farg(ctx, 0), farg(ctx, 1), 0, 0,
		 get_caller());
	return 0;
}

SEC("fexit/scx_bpf_create_dsq")
int obs_kf_create_dsq(u64 *ctx)
{
	if (!rec_enabled)
		return 0;
	rec_emit(SCXT_KF_CREATE_DSQ, 0, farg(ctx, 0), (u64)(s64)(s32)farg(ctx, 1), 0,
		 (u64)(s64)(s32)fret(ctx), get_caller());
	return 0;
}

SEC("fexit/scx_bpf_select_cpu_dfl")
int obs_kf_select_cpu_dfl(u64 *ctx)
{
	bool idle = false;
	u64 ip = farg(ctx, 3);

	if (!rec_enabled)
		return 0;
	if (ip)
		bpf_probe_read_kernel(&idle, 1, (void *)ip);
	rec_emit(SCXT_KF_SELECT_CPU_DFL, ppid(farg(ctx, 0)), (u64)(s64)(s32)farg(ctx, 1),
		 farg(ctx, 2), idle, (u64)(s64)(s32)fret(ctx), get_caller());
	return 0;
}

SEC("fexit/scx_bpf_dsq_nr_queued")
int obs_kf_nr_queued(u64 *ctx)
{
	if (!rec_enabled)
		return 0;
	rec_emit(SCXT_KF_DSQ_NR_QUEUED, 0, farg(ctx, 0), 0, 0,
		 (u64)(s64)(s32)fret(ctx), get_caller());
	return 0;
}
