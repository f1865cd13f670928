/* SPDX-License-Identifier: MIT */
/*
 * scxmc trace ABI: the on-disk / on-wire layout shared by
 *   - the BPF recorders (bpf/scx_rec.bpf.c and bpf/scx_obs.bpf.c),
 *   - the guest loaders (bpf/scx_rec.c, bpf/scx_obs.c) that write the stream to /dev/vport0p1,
 *   - the C++ reader/writer (trace/trace_format.hpp).
 *
 * Plain C, fixed-width little-endian fields, no padding.  Documented field by
 * field in docs/trace-format.md.  Any change to this file that changes a
 * layout or the meaning of a field MUST bump SCXT_VERSION.
 */
#ifndef SCXMC_SCX_TRACE_ABI_H
#define SCXMC_SCX_TRACE_ABI_H

#ifndef __bpf__
#include <stdint.h>
#endif

#define SCXT_MAGIC "SCXTRACE"           /* 8 bytes, no NUL */
#define SCXT_VERSION 2u            /* version 1 files are still read */
#define SCXT_HEADER_SIZE 64u
#define SCXT_RECORD_SIZE 64u
#define SCXT_NR_ARGS 5

/* File header: written once at offset 0. */
struct scxt_header {
	char magic[8];           /*  0: "SCXTRACE" */
	uint16_t version;        /*  8: SCXT_VERSION */
	uint16_t header_size;    /* 10: SCXT_HEADER_SIZE */
	uint16_t record_size;    /* 12: SCXT_RECORD_SIZE */
	uint16_t flags;          /* 14: SCXT_HF_* */
	uint32_t nr_cpus;        /* 16: possible CPUs in the guest */
	uint32_t scheduler;      /* 20: SCXT_SCHED_* */
	uint64_t seed;           /* 24: PRNG seed (rec), 0 otherwise */
	char kernel_release[32]; /* 32: uname -r, NUL padded */
};

/* header.flags */
#define SCXT_HF_OBSERVER 0x1u   /* records come from fentry/fexit observation */

/* header.scheduler */
enum scxt_scheduler {
	SCXT_SCHED_UNKNOWN = 0,
	SCXT_SCHED_REC = 1,
	SCXT_SCHED_SIMPLE = 2,
	SCXT_SCHED_CENTRAL = 3,
	SCXT_SCHED_QMAP = 4,
	SCXT_SCHED_SUB = 5,      /* scx_sub: the sub-scheduler session (root + child) */
};

/* One event.  Every record is exactly SCXT_RECORD_SIZE bytes. */
struct scxt_record {
	uint64_t seq;        /*  0: global sequence number (atomic counter) */
	uint64_t ts_ns;      /*  8: bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	uint16_t kind;       /* 16: enum scxt_kind */
	uint16_t cpu;        /* 18: CPU the event was recorded on */
	uint32_t pid;        /* 20: subject task pid (0 = none / idle) */
	uint64_t arg[SCXT_NR_ARGS]; /* 24: kind-specific, see below */
};

/*
 * Event kinds.  Ranges: 0x00xx meta (user space), 0x01xx sched_ext_ops
 * callbacks, 0x02xx kfunc calls, 0x03xx kernel tracepoints.
 * The comment lists pid and arg[0..4] meaning; unlisted args are 0.
 */
enum scxt_kind {
	/* --- meta, emitted by the loader (cpu = CPU the loader ran on) --- */
	SCXT_META_SESSION_BEGIN = 0x0001, /* a0=scheduler a1=seed a2=nr_cpus */
	SCXT_META_ATTACH        = 0x0002, /* a0=cycle a1=result(0|-errno) */
	SCXT_META_DETACH        = 0x0003, /* a0=cycle a1=exit kind seen by loader */
	SCXT_META_DROPS         = 0x0004, /* a0=ringbuf drops so far a1=seq so far */
	SCXT_META_SESSION_END   = 0x0005, /* a0=last seq a1=drops a2=cycles */
	SCXT_META_TASK_COMM     = 0x0006, /* pid; a0,a1 = comm[16] bytes (LE) */

	/* --- sched_ext_ops callbacks (pid = task argument, 0 if none) --- */
	SCXT_CB_SELECT_CPU      = 0x0101, /* a0=prev_cpu a1=wake_flags */
	SCXT_CB_SELECT_CPU_RET  = 0x0102, /* a0=returned cpu (s32) */
	SCXT_CB_ENQUEUE         = 0x0103, /* a0=enq_flags */
	SCXT_CB_DEQUEUE         = 0x0104, /* a0=deq_flags */
	SCXT_CB_DISPATCH        = 0x0105, /* pid=prev (0 if NULL) a0=cpu a1=prev!=NULL */
	SCXT_CB_RUNNABLE        = 0x0106, /* a0=enq_flags */
	SCXT_CB_RUNNING         = 0x0107, /* */
	SCXT_CB_STOPPING        = 0x0108, /* a0=runnable */
	SCXT_CB_QUIESCENT       = 0x0109, /* a0=deq_flags */
	SCXT_CB_ENABLE          = 0x010a, /* */
	SCXT_CB_DISABLE         = 0x010b, /* */
	SCXT_CB_INIT_TASK       = 0x010c, /* a0=args->fork */
	SCXT_CB_INIT_TASK_RET   = 0x010d, /* a0=return value (s32) */
	SCXT_CB_EXIT_TASK       = 0x010e, /* a0=args->cancelled */
	SCXT_CB_INIT            = 0x010f, /* (ops.init) */
	SCXT_CB_INIT_RET        = 0x0110, /* a0=return value (s32) */
	SCXT_CB_EXIT            = 0x0111, /* a0=ei->kind a1=ei->exit_code */
	SCXT_CB_SET_WEIGHT      = 0x0112, /* a0=weight */
	SCXT_CB_SET_CPUMASK     = 0x0113, /* a0=cpumask bits 0..63 */
	SCXT_CB_TICK            = 0x0114, /* (observer only) */
	/* version 2: the lifecycle session (cgroup callbacks) */
	SCXT_CB_CGROUP_INIT     = 0x0115, /* pid=0 a0=cgroup id a1=weight */
	SCXT_CB_CGROUP_EXIT     = 0x0116, /* pid=0 a0=cgroup id */
	SCXT_CB_CGROUP_PREP_MOVE = 0x0117, /* a0=from cgroup id a1=to cgroup id */
	SCXT_CB_CGROUP_MOVE     = 0x0118, /* a0=from cgroup id a1=to cgroup id */
	SCXT_CB_CGROUP_CANCEL_MOVE = 0x0119, /* a0=from cgroup id a1=to cgroup id */
	/* version 2, the sub-scheduler session (scx_sub: every callback record
	 * has the scheduler's tag in a4, 1 root 2 child; every kfunc record has
	 * it in bits 32.. of a4) */
	SCXT_CB_SUB_ATTACH      = 0x011a, /* pid=0 a0=the child's sub_cgroup_id */
	SCXT_CB_SUB_DETACH      = 0x011b, /* pid=0 a0=the child's sub_cgroup_id */

	/* --- kfunc calls (pid = task argument, 0 if none) --- */
	SCXT_KF_DSQ_INSERT      = 0x0201, /* a0=dsq_id a1=slice a2=enq_flags a3=result a4=caller */
	SCXT_KF_DSQ_MOVE_TO_LOCAL = 0x0202, /* a0=dsq_id a1=enq_flags a3=result a4=caller */
	SCXT_KF_DSQ_MOVE        = 0x0203, /* a0=dst dsq_id a1=src dsq_id a2=enq_flags a3=result a4=caller */
	SCXT_KF_CREATE_DSQ      = 0x0204, /* a0=dsq_id a1=node a3=result a4=caller */
	SCXT_KF_SELECT_CPU_DFL  = 0x0205, /* a0=prev_cpu a1=wake_flags a2=is_idle a3=result a4=caller */
	SCXT_KF_KICK_CPU        = 0x0206, /* a0=cpu a1=flags a4=caller */
	SCXT_KF_DSQ_NR_QUEUED   = 0x0207, /* a0=dsq_id a3=result a4=caller */
	SCXT_KF_DSQ_MOVE_SET_SLICE = 0x0208, /* a0=slice a4=caller */
	/* version 2 */
	SCXT_KF_DESTROY_DSQ     = 0x0209, /* a0=dsq_id a4=caller */
	SCXT_KF_ERROR           = 0x020a, /* a0=cycle (recorded just before scx_bpf_error) a4=caller */
	SCXT_KF_SUB_DISPATCH    = 0x020b, /* a0=child cgroup id a3=result a4=caller */
	SCXT_KF_SUB_GRANT       = 0x020c, /* a0=child cgroup id a1=caps a3=result (s32) a4=caller */

	/* --- kernel tracepoints --- */
	SCXT_TP_SCHED_SWITCH    = 0x0301, /* pid=next a0=prev pid a1=prev_state a2=preempt a3=prev policy a4=next policy */
	SCXT_TP_SCHED_WAKEUP    = 0x0302, /* pid a0=task_cpu a1=1 if wakeup_new */
	SCXT_TP_SCHED_MIGRATE   = 0x0303, /* pid a0=orig cpu a1=dest cpu */
	SCXT_TP_PROCESS_FORK    = 0x0304, /* pid=child a0=parent pid a1=child tgid */
	SCXT_TP_PROCESS_EXIT    = 0x0305, /* pid a0=group_dead */
	/* version 2 */
	SCXT_TP_SCX_EXIT        = 0x0306, /* pid=0 a0=exit kind (tracepoint sched_ext_exit) */

	/* --- version 2: kernel functions of the sched_ext core (fentry/fexit) --- */
	SCXT_K_ENABLE_WORKFN    = 0x0401, /* entry of scx_root_enable_workfn */
	SCXT_K_ENABLE_WORKFN_RET = 0x0402, /* its return */
	SCXT_K_ROOT_DISABLE     = 0x0403, /* entry of scx_root_disable */
	SCXT_K_ROOT_DISABLE_RET = 0x0404, /* its return */
	SCXT_K_BYPASS           = 0x0405, /* entry of scx_bypass: a0=bypass */
	SCXT_K_BYPASS_RET       = 0x0406, /* its return: a0=bypass */
	SCXT_K_TASK_STATE       = 0x0407, /* scx_set_task_state: pid a0=from a1=to (SCX_TASK_* >> shift: 0 NONE .. 5 DEAD) */
	SCXT_K_SWITCHING_TO     = 0x0408, /* switching_to_scx: pid */
	SCXT_K_SWITCHED_FROM    = 0x0409, /* switched_from_scx: pid */
	SCXT_K_FORK             = 0x040a, /* entry of scx_fork: pid=child */
	SCXT_K_FORK_RET         = 0x040b, /* its return: pid=child a0=ret (s32) */
	SCXT_K_POST_FORK        = 0x040c, /* scx_post_fork: pid=child */
	SCXT_K_CANCEL_FORK      = 0x040d, /* scx_cancel_fork: pid=child */
	SCXT_K_DEAD             = 0x040e, /* sched_ext_dead: pid */
	SCXT_K_SETSCHEDULER     = 0x040f, /* __sched_setscheduler: pid a0=old policy a1=new policy (s32; -1 keep) */
};

/* Values of the "caller" argument (a4 of kfunc records): the callback the
 * kfunc was called from, as a SCXT_CB_* kind; 0 = unknown (observer). */

#endif /* SCXMC_SCX_TRACE_ABI_H */
