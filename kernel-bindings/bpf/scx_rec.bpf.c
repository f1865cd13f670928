// SPDX-License-Identifier: GPL-2.0
/*
 * scx_rec: scxmc's recording sched_ext scheduler.
 *
 * Every scheduling decision is drawn from a seeded PRNG so that one run
 * exercises all the paths the scxmc model has:
 *   - direct dispatch from ops.select_cpu and from ops.enqueue to
 *     SCX_DSQ_LOCAL, SCX_DSQ_LOCAL_ON|cpu, SCX_DSQ_GLOBAL and user DSQs;
 *   - keeping tasks on the BPF side (a BPF queue map) and inserting them
 *     from ops.dispatch;
 *   - scx_bpf_dsq_move_to_local() from user DSQs;
 *   - scx_bpf_dsq_move() from a DSQ iterator to the local DSQ and to other
 *     user DSQs.
 * Every callback and every kfunc call (arguments and result) is logged to a
 * ring buffer as struct scxt_record (trace/scx_trace_abi.h), together with
 * kernel tracepoints, each stamped with a global sequence number.
 *
 * Written for scxmc; the kernel's tools/sched_ext sources were read as
 * reference only.
 */
#include "rec_common.bpf.h"
#include "rec_lifecycle.bpf.h"

#define NR_USER_DSQ 4
#define USER_DSQ_BASE 0x100ULL     /* user DSQ ids: 0x100 .. 0x103 */
#define REC_SLICE (5ULL * 1000 * 1000) /* 5 ms */
#define MAX_CPUS 64
/* the iterator of the innermost bpf_for_each() (libbpf names it ___it) */
#define ITER_CUR (&___it)

const volatile u64 seed = 1;
const volatile u32 nr_cpus = 1;
const volatile u32 lifecycle = 0; /* -L: dispatch-time lifecycle requests and kicks */

u64 held_gen = 0;

/* Lifecycle requests from the loader (-L).  Each is taken by one
 * ops.dispatch with a compare-and-swap 1 -> 2. */
u32 error_request = 0;   /* scx_bpf_error(): the error exit of the cycle */
u32 destroy_request = 0; /* scx_bpf_destroy_dsq(TMP_DSQ) */
u32 cur_cycle = 0;       /* the loader's cycle index, for KF_ERROR */
#define TMP_DSQ 0x200ULL /* created by rec_create_tmp_dsq, never holds a task */

/* BPF-side custody: pid -> generation of the queue entry that owns it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, u64);
} held SEC(".maps");

struct held_ent {
	u32 pid;
	u32 pad;
	u64 gen;
};

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 16384);
	__type(value, struct held_ent);
} bpfq SEC(".maps");

/* Per-CPU PRNG state (xorshift64*). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} prng SEC(".maps");

/* kfunc flavours: the ___rec suffix is stripped by libbpf, so these bind to
 * the kernel's scx_bpf_dsq_insert___v2 (returns bool). */
extern bool scx_bpf_dsq_insert___v2___rec(struct task_struct *p, u64 dsq_id,
					  u64 slice, u64 enq_flags) __ksym;
extern s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu,
				  u64 wake_flags, bool *is_idle) __ksym;
extern s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

static __always_inline u32 rnd(void)
{
	u32 key = 0;
	u64 *st = bpf_map_lookup_elem(&prng, &key), x;

	if (!st)
		return 0;
	x = *st;
	if (!x)
		x = seed * 0x9E3779B97F4A7C15ULL + bpf_get_smp_processor_id() + 1;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return (u32)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

/* ---- logged kfunc wrappers ---- */

static __always_inline bool k_insert(struct task_struct *p, u64 dsq, u64 slice,
				     u64 enq_flags, u16 caller)
{
	bool ok = scx_bpf_dsq_insert___v2___rec(p, dsq, slice, enq_flags);

	rec_emit(SCXT_KF_DSQ_INSERT, p->pid, dsq, slice, enq_flags, ok, caller);
	return ok;
}

static __always_inline bool k_move_to_local(u64 dsq, u16 caller)
{
	bool ok = scx_bpf_dsq_move_to_local(dsq);

	rec_emit(SCXT_KF_DSQ_MOVE_TO_LOCAL, 0, dsq, 0, 0, ok, caller);
	return ok;
}

static __always_inline void k_kick(s32 cpu, u64 flags, u16 caller)
{
	scx_bpf_kick_cpu(cpu, flags);
	rec_emit(SCXT_KF_KICK_CPU, 0, cpu, flags, 0, 0, caller);
}

/* Can @p be put on @cpu's local DSQ without the kernel erroring out? */
static __always_inline bool can_run_on(struct task_struct *p, s32 cpu)
{
	if (cpu < 0 || cpu >= MAX_CPUS || (u32)cpu >= nr_cpus)
		return false;
	if (scx_bpf_task_cpu(p) == cpu)
		return true;
	if (p->migration_disabled)
		return false;
	return bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

static __always_inline u64 user_dsq(u32 r)
{
	return USER_DSQ_BASE + (r % NR_USER_DSQ);
}

static __always_inline bool keep_on_bpf_side(struct task_struct *p)
{
	struct held_ent e = { .pid = p->pid };

	e.gen = __sync_fetch_and_add(&held_gen, 1) + 1;
	if (bpf_map_update_elem(&held, &e.pid, &e.gen, BPF_ANY))
		return false;
	if (bpf_map_push_elem(&bpfq, &e, 0)) {
		bpf_map_delete_elem(&held, &e.pid);
		return false;
	}
	return true;
}

/* ---- callbacks ---- */

SEC("struct_ops/rec_select_cpu")
s32 BPF_PROG(rec_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;
	u32 r;

	EMIT2(SCXT_CB_SELECT_CPU, p->pid, prev_cpu, wake_flags);
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	rec_emit(SCXT_KF_SELECT_CPU_DFL, p->pid, prev_cpu, wake_flags, is_idle,
		 (u64)(s64)cpu, SCXT_CB_SELECT_CPU);

	r = rnd() % 10;
	if (r < 2) {
		k_insert(p, SCX_DSQ_LOCAL, REC_SLICE, 0, SCXT_CB_SELECT_CPU);
	} else if (r == 2) {
		if (can_run_on(p, cpu))
			k_insert(p, SCX_DSQ_LOCAL_ON | (u64)cpu, REC_SLICE, 0,
				 SCXT_CB_SELECT_CPU);
	} else if (r == 3) {
		k_insert(p, SCX_DSQ_GLOBAL, REC_SLICE, 0, SCXT_CB_SELECT_CPU);
	} else if (r == 4) {
		k_insert(p, user_dsq(rnd()), REC_SLICE, 0, SCXT_CB_SELECT_CPU);
	}
	/* else: no direct dispatch, ops.enqueue() will be called */

	EMIT1(SCXT_CB_SELECT_CPU_RET, p->pid, (u64)(s64)cpu);
	return cpu;
}

SEC("struct_ops/rec_enqueue")
void BPF_PROG(rec_enqueue, struct task_struct *p, u64 enq_flags)
{
	u32 r = rnd() % 12;
	s32 cpu;

	EMIT1(SCXT_CB_ENQUEUE, p->pid, enq_flags);

	if (r < 2) {
		k_insert(p, SCX_DSQ_LOCAL, REC_SLICE, enq_flags, SCXT_CB_ENQUEUE);
		return;
	}
	if (r == 2) {
		cpu = rnd() % nr_cpus;
		if (!can_run_on(p, cpu))
			cpu = scx_bpf_task_cpu(p);
		k_insert(p, SCX_DSQ_LOCAL_ON | (u64)cpu, REC_SLICE, enq_flags,
			 SCXT_CB_ENQUEUE);
		if (cpu != (s32)bpf_get_smp_processor_id())
			k_kick(cpu, SCX_KICK_IDLE, SCXT_CB_ENQUEUE);
		return;
	}
	if (r == 3) {
		k_insert(p, SCX_DSQ_GLOBAL, REC_SLICE, enq_flags, SCXT_CB_ENQUEUE);
		return;
	}
	if (r < 8) {
		k_insert(p, user_dsq(rnd()), REC_SLICE, enq_flags, SCXT_CB_ENQUEUE);
	} else if (!keep_on_bpf_side(p)) {
		k_insert(p, SCX_DSQ_GLOBAL, REC_SLICE, enq_flags, SCXT_CB_ENQUEUE);
		return;
	}
	/* Queued on a user DSQ or on the BPF side: make sure a CPU looks. */
	k_kick(scx_bpf_task_cpu(p), SCX_KICK_IDLE, SCXT_CB_ENQUEUE);
}

SEC("struct_ops/rec_dequeue")
void BPF_PROG(rec_dequeue, struct task_struct *p, u64 deq_flags)
{
	u32 pid = p->pid;
	bool was_held = bpf_map_delete_elem(&held, &pid) == 0;

	EMIT2(SCXT_CB_DEQUEUE, pid, deq_flags, was_held);
}

static __always_inline void dispatch_held(s32 cpu)
{
	struct held_ent e;
	struct task_struct *p;
	u64 *gen, dsq;
	u32 r;
	int i;

	for (i = 0; i < 4; i++) {
		if (bpf_map_pop_elem(&bpfq, &e))
			return;
		gen = bpf_map_lookup_elem(&held, &e.pid);
		if (!gen || *gen != e.gen)
			continue; /* stale: dequeued or re-queued since */
		bpf_map_delete_elem(&held, &e.pid);
		p = bpf_task_from_pid(e.pid);
		if (!p)
			continue;
		r = rnd() % 4;
		if (r == 0 && can_run_on(p, cpu))
			dsq = SCX_DSQ_LOCAL;
		else if (r == 1 && can_run_on(p, scx_bpf_task_cpu(p)))
			dsq = SCX_DSQ_LOCAL_ON | (u64)scx_bpf_task_cpu(p);
		else if (r == 2)
			dsq = SCX_DSQ_GLOBAL;
		else
			dsq = user_dsq(rnd());
		k_insert(p, dsq, REC_SLICE, 0, SCXT_CB_DISPATCH);
		bpf_task_release(p);
	}
}

static __always_inline void dispatch_iter(s32 cpu)
{
	struct task_struct *p;
	u64 src = user_dsq(rnd()), dst;
	int moved = 0;
	bool ok;

	bpf_for_each(scx_dsq, p, src, 0) {
		if (rnd() % 2 && can_run_on(p, cpu)) {
			if (rnd() % 2) {
				scx_bpf_dsq_move_set_slice(ITER_CUR, REC_SLICE);
				rec_emit(SCXT_KF_DSQ_MOVE_SET_SLICE, p->pid, REC_SLICE,
					 0, 0, 0, SCXT_CB_DISPATCH);
			}
			ok = scx_bpf_dsq_move(ITER_CUR, p, SCX_DSQ_LOCAL, 0);
			rec_emit(SCXT_KF_DSQ_MOVE, p->pid, SCX_DSQ_LOCAL, src, 0, ok,
				 SCXT_CB_DISPATCH);
			if (ok)
				break;
		} else {
			dst = user_dsq(rnd());
			if (dst == src)
				continue;
			ok = scx_bpf_dsq_move(ITER_CUR, p, dst, 0);
			rec_emit(SCXT_KF_DSQ_MOVE, p->pid, dst, src, 0, ok,
				 SCXT_CB_DISPATCH);
		}
		if (++moved >= 3)
			break;
	}
}

static char err_fmt[] = "scxmc: requested error exit in cycle %llu";

static __always_inline void dispatch_lifecycle(s32 cpu)
{
	unsigned long long data[1];

	if (destroy_request == 1 &&
	    __sync_val_compare_and_swap(&destroy_request, 1, 2) == 1) {
		scx_bpf_destroy_dsq(TMP_DSQ);
		rec_emit(SCXT_KF_DESTROY_DSQ, 0, TMP_DSQ, 0, 0, 0, SCXT_CB_DISPATCH);
	}
	if (error_request == 1 &&
	    __sync_val_compare_and_swap(&error_request, 1, 2) == 1) {
		data[0] = cur_cycle;
		rec_emit(SCXT_KF_ERROR, 0, cur_cycle, 0, 0, 0, SCXT_CB_DISPATCH);
		scx_bpf_error_bstr(err_fmt, data, sizeof(data));
	}
	/* now and then preempt the other CPU (SCX_KICK_PREEMPT) */
	if (nr_cpus > 1 && rnd() % 16 == 0)
		k_kick((cpu + 1) % nr_cpus, SCX_KICK_PREEMPT, SCXT_CB_DISPATCH);
}

SEC("struct_ops/rec_dispatch")
void BPF_PROG(rec_dispatch, s32 cpu, struct task_struct *prev)
{
	u32 start, i;

	EMIT2(SCXT_CB_DISPATCH, prev ? prev->pid : 0, cpu, prev != NULL);
	if (lifecycle)
		dispatch_lifecycle(cpu);

	if (rnd() % 2)
		dispatch_held(cpu);
	if (rnd() % 4 == 0)
		dispatch_iter(cpu);

	start = rnd();
	for (i = 0; i < NR_USER_DSQ; i++) {
		if (k_move_to_local(user_dsq(start + i), SCXT_CB_DISPATCH))
			return;
	}
	/* Nothing on a user DSQ: drain the BPF side fully. */
	dispatch_held(cpu);
}

SEC("struct_ops/rec_runnable")
void BPF_PROG(rec_runnable, struct task_struct *p, u64 enq_flags)
{
	EMIT1(SCXT_CB_RUNNABLE, p->pid, enq_flags);
}

SEC("struct_ops/rec_running")
void BPF_PROG(rec_running, struct task_struct *p)
{
	EMIT0(SCXT_CB_RUNNING, p->pid);
}

SEC("struct_ops/rec_stopping")
void BPF_PROG(rec_stopping, struct task_struct *p, bool runnable)
{
	EMIT1(SCXT_CB_STOPPING, p->pid, runnable);
}

SEC("struct_ops/rec_quiescent")
void BPF_PROG(rec_quiescent, struct task_struct *p, u64 deq_flags)
{
	EMIT1(SCXT_CB_QUIESCENT, p->pid, deq_flags);
}

SEC("struct_ops/rec_set_weight")
void BPF_PROG(rec_set_weight, struct task_struct *p, u32 weight)
{
	EMIT1(SCXT_CB_SET_WEIGHT, p->pid, weight);
}

SEC("struct_ops/rec_set_cpumask")
void BPF_PROG(rec_set_cpumask, struct task_struct *p, const struct cpumask *mask)
{
	u64 bits = 0;

	bpf_probe_read_kernel(&bits, sizeof(bits), mask);
	EMIT1(SCXT_CB_SET_CPUMASK, p->pid, bits);
}

SEC("struct_ops/rec_enable")
void BPF_PROG(rec_enable, struct task_struct *p)
{
	EMIT0(SCXT_CB_ENABLE, p->pid);
}

SEC("struct_ops/rec_disable")
void BPF_PROG(rec_disable, struct task_struct *p)
{
	EMIT0(SCXT_CB_DISABLE, p->pid);
}

SEC("struct_ops/rec_init_task")
s32 BPF_PROG(rec_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	EMIT1(SCXT_CB_INIT_TASK, p->pid, args->fork);
	EMIT1(SCXT_CB_INIT_TASK_RET, p->pid, 0);
	return 0;
}

SEC("struct_ops/rec_exit_task")
void BPF_PROG(rec_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	u32 pid = p->pid;

	bpf_map_delete_elem(&held, &pid);
	EMIT1(SCXT_CB_EXIT_TASK, pid, args->cancelled);
}

SEC("struct_ops.s/rec_init")
s32 BPF_PROG(rec_init)
{
	s32 ret = 0, r;
	u32 i;

	EMIT0(SCXT_CB_INIT, 0);
	for (i = 0; i < NR_USER_DSQ; i++) {
		r = scx_bpf_create_dsq(USER_DSQ_BASE + i, -1);
		rec_emit(SCXT_KF_CREATE_DSQ, 0, USER_DSQ_BASE + i, (u64)-1, 0,
			 (u64)(s64)r, SCXT_CB_INIT);
		if (r && !ret)
			ret = r;
	}
	EMIT1(SCXT_CB_INIT_RET, 0, (u64)(s64)ret);
	return ret;
}

static __always_inline u64 cgid(struct cgroup *cgrp)
{
	return cgrp ? BPF_CORE_READ(cgrp, kn, id) : 0;
}

SEC("struct_ops/rec_cgroup_init")
s32 BPF_PROG(rec_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	EMIT2(SCXT_CB_CGROUP_INIT, 0, cgid(cgrp), args->weight);
	return 0;
}

SEC("struct_ops/rec_cgroup_exit")
void BPF_PROG(rec_cgroup_exit, struct cgroup *cgrp)
{
	EMIT1(SCXT_CB_CGROUP_EXIT, 0, cgid(cgrp));
}

SEC("struct_ops/rec_cgroup_prep_move")
s32 BPF_PROG(rec_cgroup_prep_move, struct task_struct *p, struct cgroup *from,
	     struct cgroup *to)
{
	EMIT2(SCXT_CB_CGROUP_PREP_MOVE, p->pid, cgid(from), cgid(to));
	return 0;
}

SEC("struct_ops/rec_cgroup_move")
void BPF_PROG(rec_cgroup_move, struct task_struct *p, struct cgroup *from,
	      struct cgroup *to)
{
	EMIT2(SCXT_CB_CGROUP_MOVE, p->pid, cgid(from), cgid(to));
}

SEC("struct_ops/rec_cgroup_cancel_move")
void BPF_PROG(rec_cgroup_cancel_move, struct task_struct *p, struct cgroup *from,
	      struct cgroup *to)
{
	EMIT2(SCXT_CB_CGROUP_CANCEL_MOVE, p->pid, cgid(from), cgid(to));
}

/* Run by the loader (BPF_PROG_RUN) while a cycle is enabled: create the
 * temporary DSQ (and try to create 0x100 again, which must fail -EEXIST). */
SEC("syscall")
int rec_create_tmp_dsq(void *ctx)
{
	s32 r;

	r = scx_bpf_create_dsq(TMP_DSQ, -1);
	rec_emit(SCXT_KF_CREATE_DSQ, 0, TMP_DSQ, (u64)-1, 0, (u64)(s64)r, 0);
	r = scx_bpf_create_dsq(USER_DSQ_BASE, -1);
	rec_emit(SCXT_KF_CREATE_DSQ, 0, USER_DSQ_BASE, (u64)-1, 0, (u64)(s64)r, 0);
	return 0;
}

/* Exit info, read by the loader after each detach. */
s32 exit_kind = 0;
s64 exit_code = 0;
char exit_reason[128];

SEC("struct_ops/rec_exit")
void BPF_PROG(rec_exit, struct scx_exit_info *ei)
{
	exit_kind = ei->kind;
	exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_reason, sizeof(exit_reason), ei->reason);
	EMIT2(SCXT_CB_EXIT, 0, ei->kind, ei->exit_code);
}

SEC(".struct_ops.link")
struct sched_ext_ops rec_ops = {
	.select_cpu = (void *)rec_select_cpu,
	.enqueue = (void *)rec_enqueue,
	.dequeue = (void *)rec_dequeue,
	.dispatch = (void *)rec_dispatch,
	.runnable = (void *)rec_runnable,
	.running = (void *)rec_running,
	.stopping = (void *)rec_stopping,
	.quiescent = (void *)rec_quiescent,
	.set_weight = (void *)rec_set_weight,
	.set_cpumask = (void *)rec_set_cpumask,
	.enable = (void *)rec_enable,
	.disable = (void *)rec_disable,
	.init_task = (void *)rec_init_task,
	.exit_task = (void *)rec_exit_task,
	.init = (void *)rec_init,
	.exit = (void *)rec_exit,
	.cgroup_init = (void *)rec_cgroup_init,
	.cgroup_exit = (void *)rec_cgroup_exit,
	.cgroup_prep_move = (void *)rec_cgroup_prep_move,
	.cgroup_move = (void *)rec_cgroup_move,
	.cgroup_cancel_move = (void *)rec_cgroup_cancel_move,
	.timeout_ms = 20000,
	.name = "scx_rec",
};

/* The same programs with SCX_OPS_SWITCH_PARTIAL: only SCHED_EXT tasks run on
 * ext, so sched_setscheduler(SCHED_EXT <-> SCHED_NORMAL) switches classes.
 * The loader (-L) attaches it on odd cycles. */
SEC(".struct_ops.link")
struct sched_ext_ops rec_ops_partial = {
	.select_cpu = (void *)rec_select_cpu,
	.enqueue = (void *)rec_enqueue,
	.dequeue = (void *)rec_dequeue,
	.dispatch = (void *)rec_dispatch,
	.runnable = (void *)rec_runnable,
	.running = (void *)rec_running,
	.stopping = (void *)rec_stopping,
	.quiescent = (void *)rec_quiescent,
	.set_weight = (void *)rec_set_weight,
	.set_cpumask = (void *)rec_set_cpumask,
	.enable = (void *)rec_enable,
	.disable = (void *)rec_disable,
	.init_task = (void *)rec_init_task,
	.exit_task = (void *)rec_exit_task,
	.init = (void *)rec_init,
	.exit = (void *)rec_exit,
	.cgroup_init = (void *)rec_cgroup_init,
	.cgroup_exit = (void *)rec_cgroup_exit,
	.cgroup_prep_move = (void *)rec_cgroup_prep_move,
	.cgroup_move = (void *)rec_cgroup_move,
	.cgroup_cancel_move = (void *)rec_cgroup_cancel_move,
	.flags = SCX_OPS_SWITCH_PARTIAL,
	.timeout_ms = 20000,
	.name = "scx_rec_partial",
};
