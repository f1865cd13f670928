/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace format version 2: the lifecycle events of the sched_ext core that no
 * sched_ext_ops callback shows, recorded with fentry/fexit on the 7.3.4
 * functions (all of them are in the kernel's BTF) and the sched_ext_exit
 * tracepoint.  Included by scx_rec.bpf.c only.  A function the compiler
 * inlined into a caller is seen only through its out-of-line calls
 * (docs/trace-format.md).
 * Written for scxmc (not derived from the kernel's scx headers).
 */
#ifndef SCXMC_REC_LIFECYCLE_BPF_H
#define SCXMC_REC_LIFECYCLE_BPF_H

#include "rec_common.bpf.h"

#define REC_TASK_STATE_SHIFT 8 /* SCX_TASK_STATE_SHIFT (include/linux/sched/ext.h) */
#define REC_TASK_STATE_MASK (7u << REC_TASK_STATE_SHIFT)

SEC("tp_btf/sched_ext_exit")
int BPF_PROG(rec_tp_scx_exit, struct scx_sched *sch, u32 kind)
{
	if (rec_enabled)
		EMIT1(SCXT_TP_SCX_EXIT, 0, kind);
	return 0;
}

SEC("fentry/scx_root_enable_workfn")
int BPF_PROG(rec_k_enable, struct kthread_work *work)
{
	if (rec_enabled)
		EMIT0(SCXT_K_ENABLE_WORKFN, 0);
	return 0;
}

SEC("fexit/scx_root_enable_workfn")
int BPF_PROG(rec_k_enable_ret, struct kthread_work *work)
{
	if (rec_enabled)
		EMIT0(SCXT_K_ENABLE_WORKFN_RET, 0);
	return 0;
}

SEC("fentry/scx_root_disable")
int BPF_PROG(rec_k_disable, struct scx_sched *sch)
{
	if (rec_enabled)
		EMIT0(SCXT_K_ROOT_DISABLE, 0);
	return 0;
}

SEC("fexit/scx_root_disable")
int BPF_PROG(rec_k_disable_ret, struct scx_sched *sch)
{
	if (rec_enabled)
		EMIT0(SCXT_K_ROOT_DISABLE_RET, 0);
	return 0;
}

SEC("fentry/scx_bypass")
int BPF_PROG(rec_k_bypass, struct scx_sched *sch, bool bypass)
{
	if (rec_enabled)
		EMIT1(SCXT_K_BYPASS, 0, bypass);
	return 0;
}

SEC("fexit/scx_bypass")
int BPF_PROG(rec_k_bypass_ret, struct scx_sched *sch, bool bypass)
{
	if (rec_enabled)
		EMIT1(SCXT_K_BYPASS_RET, 0, bypass);
	return 0;
}

SEC("fentry/scx_set_task_state")
int BPF_PROG(rec_k_task_state, struct task_struct *p, u32 state)
{
	u32 from;

	if (!rec_enabled)
		return 0;
	from = (BPF_CORE_READ(p, scx.flags) & REC_TASK_STATE_MASK) >> REC_TASK_STATE_SHIFT;
	EMIT2(SCXT_K_TASK_STATE, task_pid(p), from,
	      (state & REC_TASK_STATE_MASK) >> REC_TASK_STATE_SHIFT);
	return 0;
}

SEC("fentry/switching_to_scx")
int BPF_PROG(rec_k_switching_to, struct rq *rq, struct task_struct *p)
{
	if (rec_enabled)
		EMIT0(SCXT_K_SWITCHING_TO, task_pid(p));
	return 0;
}

SEC("fentry/switched_from_scx")
int BPF_PROG(rec_k_switched_from, struct rq *rq, struct task_struct *p)
{
	if (rec_enabled)
		EMIT0(SCXT_K_SWITCHED_FROM, task_pid(p));
	return 0;
}

SEC("fentry/scx_fork")
int BPF_PROG(rec_k_fork, struct task_struct *p)
{
	if (rec_enabled)
		EMIT0(SCXT_K_FORK, task_pid(p));
	return 0;
}

SEC("fexit/scx_fork")
int BPF_PROG(rec_k_fork_ret, struct task_struct *p, void *kargs, int ret)
{
	if (rec_enabled)
		EMIT1(SCXT_K_FORK_RET, task_pid(p), (u64)(s64)ret);
	return 0;
}

SEC("fentry/scx_post_fork")
int BPF_PROG(rec_k_post_fork, struct task_struct *p)
{
	if (rec_enabled)
		EMIT0(SCXT_K_POST_FORK, task_pid(p));
	return 0;
}

SEC("fentry/scx_cancel_fork")
int BPF_PROG(rec_k_cancel_fork, struct task_struct *p)
{
	if (rec_enabled)
		EMIT0(SCXT_K_CANCEL_FORK, task_pid(p));
	return 0;
}

SEC("fentry/sched_ext_dead")
int BPF_PROG(rec_k_dead, struct task_struct *p)
{
	if (rec_enabled)
		EMIT0(SCXT_K_DEAD, task_pid(p));
	return 0;
}

SEC("fentry/__sched_setscheduler")
int BPF_PROG(rec_k_setsched, struct task_struct *p, const struct sched_attr *attr)
{
	if (!rec_enabled)
		return 0;
	EMIT2(SCXT_K_SETSCHEDULER, task_pid(p), (u64)(s64)BPF_CORE_READ(p, policy),
	      (u64)(s64)(s32)BPF_CORE_READ(attr, sched_policy));
	return 0;
}

#endif
