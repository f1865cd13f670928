/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared recording helpers for scxmc's BPF programs: the event ring buffer,
 * the global sequence counter and the kernel tracepoint recorders.
 * Written for scxmc (not derived from the kernel's scx headers).
 */
#ifndef SCXMC_REC_COMMON_BPF_H
#define SCXMC_REC_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scx_trace_abi.h"

char _license[] SEC("license") = "GPL";

#ifndef REC_RINGBUF_BYTES
#define REC_RINGBUF_BYTES (32u << 20)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, REC_RINGBUF_BYTES);
} events SEC(".maps");

/* Global sequence number.  User space (the loader) also takes numbers from
 * it through the mmap'ed .bss for its meta records. */
u64 rec_seq = 0;
u64 rec_drops = 0;
/* Set by the loader; tracepoints are recorded only while non-zero. */
u32 rec_enabled = 0;

static __always_inline void rec_emit(u16 kind, u32 pid, u64 a0, u64 a1, u64 a2,
				     u64 a3, u64 a4)
{
	struct scxt_record *r;
	u64 seq = __sync_fetch_and_add(&rec_seq, 1);

	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&rec_drops, 1);
		return;
	}
	r->seq = seq;
	r->ts_ns = bpf_ktime_get_ns();
	r->kind = kind;
	r->cpu = (u16)bpf_get_smp_processor_id();
	r->pid = pid;
	r->arg[0] = a0;
	r->arg[1] = a1;
	r->arg[2] = a2;
	r->arg[3] = a3;
	r->arg[4] = a4;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

#define EMIT0(k, pid) rec_emit(k, pid, 0, 0, 0, 0, 0)
#define EMIT1(k, pid, a) rec_emit(k, pid, a, 0, 0, 0, 0)
#define EMIT2(k, pid, a, b) rec_emit(k, pid, a, b, 0, 0, 0)

static __always_inline u32 task_pid(const struct task_struct *p)
{
	return p ? (u32)BPF_CORE_READ(p, pid) : 0;
}

/* ---- kernel tracepoints (BTF raw tracepoints) ---- */

SEC("tp_btf/sched_switch")
int BPF_PROG(rec_tp_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	if (!rec_enabled)
		return 0;
	rec_emit(SCXT_TP_SCHED_SWITCH, next->pid, prev->pid, prev_state, preempt,
		 prev->policy, next->policy);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(rec_tp_wakeup, struct task_struct *p)
{
	if (!rec_enabled)
		return 0;
	EMIT2(SCXT_TP_SCHED_WAKEUP, p->pid, BPF_CORE_READ(p, thread_info.cpu), 0);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(rec_tp_wakeup_new, struct task_struct *p)
{
	if (!rec_enabled)
		return 0;
	EMIT2(SCXT_TP_SCHED_WAKEUP, p->pid, BPF_CORE_READ(p, thread_info.cpu), 1);
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(rec_tp_migrate, struct task_struct *p, int dest_cpu)
{
	if (!rec_enabled)
		return 0;
	EMIT2(SCXT_TP_SCHED_MIGRATE, p->pid, BPF_CORE_READ(p, thread_info.cpu),
	      dest_cpu);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(rec_tp_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!rec_enabled)
		return 0;
	EMIT2(SCXT_TP_PROCESS_FORK, child->pid, parent->pid, child->tgid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(rec_tp_exit, struct task_struct *p, bool group_dead)
{
	if (!rec_enabled)
		return 0;
	EMIT1(SCXT_TP_PROCESS_EXIT, p->pid, group_dead);
	return 0;
}

#endif
