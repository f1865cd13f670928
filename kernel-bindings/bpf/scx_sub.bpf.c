// SPDX-License-Identifier: GPL-2.0
/*
 * scx_sub: scxmc's recorder for the sub-scheduler session (issue 19).
 *
 * The cid-form struct_ops (struct sched_ext_ops_cid, internal.h:1078): in
 * 7.3.4 only a cid-form scheduler can accept a child (ops.sub_attach,
 * ext.c:7671-7686) or be one (sub_cgroup_id).  The loader (scx_sub.c)
 * opens and loads this object twice: once as the root (sched_tag 1,
 * sub_cgroup_id 0, with ops.sub_attach/ops.sub_detach) and once as the
 * child (sched_tag 2, sub_cgroup_id = a cgroup's id).  The two instances
 * have their own programs, so no program is shared between two struct_ops
 * maps (scx_prog_sched, internal.h:2460-2491); the child reuses the root's
 * ring buffer and .bss (the global seq counter) so that one stream holds
 * both, in one order.
 *
 * The policy is deliberately plain (one user DSQ per scheduler, FIFO,
 * ops.select_cid keeps prev_cid); what is recorded is which scheduler each
 * callback came from: every callback record carries sched_tag in arg[4],
 * every kfunc record has it in bits 32.. of arg[4] (docs/trace-format.md,
 * "The sub-scheduler session").
 *
 * Written for scxmc; the kernel's tools/sched_ext sources were read as
 * reference only.
 */
#include "rec_common.bpf.h"
#include "rec_lifecycle.bpf.h"

/* libbpf strips the last ___suffix: this binds to the kernel's
 * scx_bpf_dsq_insert___v2 (returns bool), as in scx_rec.bpf.c */
extern bool scx_bpf_dsq_insert___v2___sub(struct task_struct *p, u64 dsq_id,
					  u64 slice, u64 enq_flags) __ksym;

#define SUB_DSQ 0x100ULL
#define SUB_SLICE (5ULL * 1000 * 1000) /* 5 ms */

const volatile u32 sched_tag = 1;     /* 1 root, 2 child */
const volatile u64 child_cgroup_id = 0; /* root: the child's cgroup, for scx_bpf_sub_dispatch */
const volatile u32 grant_child = 0;     /* root (-G): grant the child SCX_CAP_BASE in ops.sub_attach */

/* Per instance (indexed by sched_tag; the .bss is shared). */
u32 attached_child[3];
s32 exit_kind[3];
s64 exit_code[3];
char exit_reason[3][128];

/* A cid-form scheduler must use exactly one BPF arena (bpf_scx_reg_cid,
 * ext.c:8383-8398).  Nothing of ours is stored in it; ops.init references
 * it.  The kernel's scx_arena_pool takes pages from it at each enable
 * (SCX_ARENA_GROW_PAGES = 4 per growth, arena.c:22-24) and returns them
 * only when the map is torn down (arena.c:11-12): with 4 pages the second
 * attach of a cycle failed with -ENOMEM (docs/validation.md). */
struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024); /* pages (an upper bound, allocated on demand) */
} arena SEC(".maps");

#define TAG ((u64)sched_tag)
#define CB0(k, pid) rec_emit(k, pid, 0, 0, 0, 0, TAG)
#define CB1(k, pid, a) rec_emit(k, pid, a, 0, 0, 0, TAG)
#define CB2(k, pid, a, b) rec_emit(k, pid, a, b, 0, 0, TAG)
#define KF_CALLER(c) ((u64)(c) | (TAG << 32))

static __always_inline u64 cgid(struct cgroup *cgrp)
{
	return cgrp ? BPF_CORE_READ(cgrp, kn, id) : 0;
}

SEC("struct_ops/sub_select_cid")
s32 BPF_PROG(sub_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	CB2(SCXT_CB_SELECT_CPU, p->pid, prev_cid, wake_flags);
	CB1(SCXT_CB_SELECT_CPU_RET, p->pid, (u64)(s64)prev_cid);
	return prev_cid;
}

SEC("struct_ops/sub_enqueue")
void BPF_PROG(sub_enqueue, struct task_struct *p, u64 enq_flags)
{
	bool ok;

	CB1(SCXT_CB_ENQUEUE, p->pid, enq_flags);
	ok = scx_bpf_dsq_insert___v2___sub(p, SUB_DSQ, SUB_SLICE, enq_flags);
	rec_emit(SCXT_KF_DSQ_INSERT, p->pid, SUB_DSQ, SUB_SLICE, enq_flags, ok,
		 KF_CALLER(SCXT_CB_ENQUEUE));
}

SEC("struct_ops/sub_dequeue")
void BPF_PROG(sub_dequeue, struct task_struct *p, u64 deq_flags)
{
	CB1(SCXT_CB_DEQUEUE, p->pid, deq_flags);
}

SEC("struct_ops/sub_dispatch")
void BPF_PROG(sub_dispatch, s32 cid, struct task_struct *prev)
{
	bool ok;

	CB2(SCXT_CB_DISPATCH, prev ? prev->pid : 0, cid, prev != NULL);
	ok = scx_bpf_dsq_move_to_local(SUB_DSQ);
	rec_emit(SCXT_KF_DSQ_MOVE_TO_LOCAL, 0, SUB_DSQ, 0, 0, ok, KF_CALLER(SCXT_CB_DISPATCH));
	if (ok)
		return;
	/* the root lets its child dispatch (sub.c:2226) */
	if (child_cgroup_id && attached_child[1]) {
		ok = scx_bpf_sub_dispatch(child_cgroup_id);
		rec_emit(SCXT_KF_SUB_DISPATCH, 0, child_cgroup_id, 0, 0, ok,
			 KF_CALLER(SCXT_CB_DISPATCH));
	}
}

SEC("struct_ops/sub_runnable")
void BPF_PROG(sub_runnable, struct task_struct *p, u64 enq_flags)
{
	CB1(SCXT_CB_RUNNABLE, p->pid, enq_flags);
}

SEC("struct_ops/sub_running")
void BPF_PROG(sub_running, struct task_struct *p)
{
	CB0(SCXT_CB_RUNNING, p->pid);
}

SEC("struct_ops/sub_stopping")
void BPF_PROG(sub_stopping, struct task_struct *p, bool runnable)
{
	CB1(SCXT_CB_STOPPING, p->pid, runnable);
}

SEC("struct_ops/sub_quiescent")
void BPF_PROG(sub_quiescent, struct task_struct *p, u64 deq_flags)
{
	CB1(SCXT_CB_QUIESCENT, p->pid, deq_flags);
}

SEC("struct_ops/sub_enable")
void BPF_PROG(sub_enable, struct task_struct *p, struct scx_enable_args *args)
{
	CB0(SCXT_CB_ENABLE, p->pid);
}

SEC("struct_ops/sub_disable")
void BPF_PROG(sub_disable, struct task_struct *p)
{
	CB0(SCXT_CB_DISABLE, p->pid);
}

SEC("struct_ops/sub_init_task")
s32 BPF_PROG(sub_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	CB1(SCXT_CB_INIT_TASK, p->pid, args->fork);
	CB1(SCXT_CB_INIT_TASK_RET, p->pid, 0);
	return 0;
}

SEC("struct_ops/sub_exit_task")
void BPF_PROG(sub_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	CB1(SCXT_CB_EXIT_TASK, p->pid, args->cancelled);
}

SEC("struct_ops/sub_cpuctl_init")
s32 BPF_PROG(sub_cpuctl_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	CB2(SCXT_CB_CGROUP_INIT, 0, cgid(cgrp), args->weight);
	return 0;
}

SEC("struct_ops/sub_cpuctl_exit")
void BPF_PROG(sub_cpuctl_exit, struct cgroup *cgrp)
{
	CB1(SCXT_CB_CGROUP_EXIT, 0, cgid(cgrp));
}

SEC("struct_ops/sub_cpuctl_prep_move")
s32 BPF_PROG(sub_cpuctl_prep_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	CB2(SCXT_CB_CGROUP_PREP_MOVE, p->pid, cgid(from), cgid(to));
	return 0;
}

SEC("struct_ops/sub_cpuctl_move")
void BPF_PROG(sub_cpuctl_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	CB2(SCXT_CB_CGROUP_MOVE, p->pid, cgid(from), cgid(to));
}

SEC("struct_ops/sub_cpuctl_cancel_move")
void BPF_PROG(sub_cpuctl_cancel_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	CB2(SCXT_CB_CGROUP_CANCEL_MOVE, p->pid, cgid(from), cgid(to));
}

SEC("struct_ops/sub_sub_attach")
s32 BPF_PROG(sub_sub_attach, struct scx_sub_attach_args *args)
{
	u64 id = BPF_CORE_READ(args, ops, sub_cgroup_id);
	const void __attribute__((address_space(1))) *online;
	s32 r = -1;

	asm volatile("" ::"r"(&arena)); /* the arena this program's cmask lives in */
	attached_child[sched_tag < 3 ? sched_tag : 0] = 1;
	CB1(SCXT_CB_SUB_ATTACH, 0, id);
	/* grant the child SCX_CAP_BASE on every online cid, so that its inserts
	 * are accepted and scx_bpf_sub_dispatch runs its ops.dispatch
	 * (sub.c:2252, 2312-2430; the kernel's online cmask lives in the
	 * scheduler's arena, ext.c:10567-10590) */
	if (grant_child) {
		online = scx_bpf_online_cmask();
		if (online)
			r = scx_bpf_sub_grant(id, SCX_CAP_BASE,
					      (const struct scx_cmask __attribute__((address_space(1))) *)online,
					      NULL);
		rec_emit(SCXT_KF_SUB_GRANT, 0, id, SCX_CAP_BASE, 0, (u64)(s64)r,
			 KF_CALLER(SCXT_CB_SUB_ATTACH));
	}
	return 0;
}

SEC("struct_ops/sub_sub_detach")
void BPF_PROG(sub_sub_detach, struct scx_sub_detach_args *args)
{
	u64 id = BPF_CORE_READ(args, ops, sub_cgroup_id);

	attached_child[sched_tag < 3 ? sched_tag : 0] = 0;
	CB1(SCXT_CB_SUB_DETACH, 0, id);
}

SEC("struct_ops.s/sub_init")
s32 BPF_PROG(sub_init)
{
	s32 r;

	/* an LD_IMM64 of the arena map associates it with this program */
	asm volatile("" ::"r"(&arena));
	CB0(SCXT_CB_INIT, 0);
	r = scx_bpf_create_dsq(SUB_DSQ, -1);
	rec_emit(SCXT_KF_CREATE_DSQ, 0, SUB_DSQ, (u64)-1, 0, (u64)(s64)r, KF_CALLER(SCXT_CB_INIT));
	CB1(SCXT_CB_INIT_RET, 0, (u64)(s64)r);
	return r;
}

SEC("struct_ops/sub_exit")
void BPF_PROG(sub_exit, struct scx_exit_info *ei)
{
	u32 i = sched_tag < 3 ? sched_tag : 0;

	exit_kind[i] = ei->kind;
	exit_code[i] = ei->exit_code;
	bpf_probe_read_kernel_str(exit_reason[i], sizeof(exit_reason[i]), ei->reason);
	CB2(SCXT_CB_EXIT, 0, ei->kind, ei->exit_code);
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid sub_ops = {
	.select_cid = (void *)sub_select_cid,
	.enqueue = (void *)sub_enqueue,
	.dequeue = (void *)sub_dequeue,
	.dispatch = (void *)sub_dispatch,
	.runnable = (void *)sub_runnable,
	.running = (void *)sub_running,
	.stopping = (void *)sub_stopping,
	.quiescent = (void *)sub_quiescent,
	.enable = (void *)sub_enable,
	.disable = (void *)sub_disable,
	.init_task = (void *)sub_init_task,
	.exit_task = (void *)sub_exit_task,
	.cpuctl_init = (void *)sub_cpuctl_init,
	.cpuctl_exit = (void *)sub_cpuctl_exit,
	.cpuctl_prep_move = (void *)sub_cpuctl_prep_move,
	.cpuctl_move = (void *)sub_cpuctl_move,
	.cpuctl_cancel_move = (void *)sub_cpuctl_cancel_move,
	.sub_attach = (void *)sub_sub_attach,
	.sub_detach = (void *)sub_sub_detach,
	.init = (void *)sub_init,
	.exit = (void *)sub_exit,
	.timeout_ms = 20000,
	.name = "scx_sub",
};
