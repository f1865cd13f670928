// Recipe "a new kfunc" (docs/check-your-patch.md, section 8): a patch adds
// a kfunc the BPF scheduler may call.  Here a hypothetical
// scx_bpf_dsq_move_to_global(p), callable from ops.dispatch() next to
// scx_bpf_dsq_move_to_local() (ext.c:9429), that moves the first task of a
// user DSQ to SCX_DSQ_GLOBAL:
//
//	+__bpf_kfunc bool scx_bpf_dsq_move_to_global(u64 dsq_id)
//	+{
//	+	...
//	+	raw_spin_lock(&src->lock);
//	+	p = first task of src;
//	+	task_unlink_from_dsq(p, src);
//	+	raw_spin_unlock(&src->lock);
//	+	raw_spin_lock(&global->lock);
//	+	list_add_tail(&p->scx.dsq_list.node, &global->list);
//	+	p->scx.dsq = global; dsq_inc_nr(global, p);
//	+	raw_spin_unlock(&global->lock);
//	+	return true;
//	+}
//
// It forgets what scx_dispatch_enqueue() does for a GLOBAL insert
// (ext.c:1740): task_leave_custody() and ops.dequeue(p, 0).
//
// The variant offers the new call as one more choice of ops.dispatch()
// (overriding ExtCore::bpfDispatch, dispatch.cpp): the BPF program calls it
// on a user DSQ with a task, or goes on as 7.3.4 offers.  Its kernel site
// is defined by the variant (defineSite), so traces name it.
#include <memory>
#include "hook_probe.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
class RecipeNewKfunc : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "recipe-new-kfunc"; }

 protected:
  const Site kfunc_ = defineSite("MoveToGlobal", "scx_bpf_dsq_move_to_global", "ext.c", 9429,
                                 "(recipe-new-kfunc) new kfunc: first task of a user DSQ to SCX_DSQ_GLOBAL");

  void bpfDispatch() override {
    Frame& f = fr();
    const uint8_t c = f.home;
    if (!lockRq(c)) return;
    CpuState& cs = cpu(c);
    // the new kfunc's calls: one per non-empty user DSQ, while the budget lasts
    uint8_t srcs[kMaxUserDsqs];
    int n = 0;
    if (cs.actions < cfg_.dispatch_actions)
      for (int e = 0; e < cfg_.user_dsqs; ++e)
        if (dq(static_cast<uint8_t>(kDsqUser0 + e)).n) srcs[n++] = static_cast<uint8_t>(kDsqUser0 + e);
    const int k = n ? ch_->pick(n + 1) : 0;  // 0: not the new kfunc
    if (k == 0) return ExtCore::bpfDispatch();
    const uint8_t src = srcs[k - 1];
    site(kfunc_);
    ++cs.actions;
    if (!lockDsq(src)) return;
    const uint8_t t = dq(src).q[0];
    listDel(src, t);  // task_unlink_from_dsq
    unlockDsq(src);
    if (!lockDsq(kDsqGlobal)) return;  // (busy: the step runs later)
    listAdd(kDsqGlobal, t, /*head=*/false);
    tk(t).dsq = kDsqGlobal;
    // BUG: no task_leave_custody(p) / ops.dequeue(p, 0) for the terminal GLOBAL DSQ
    unlockDsq(kDsqGlobal);
    goTo(Pc::BpfDispatch);
  }
};
}  // namespace

std::unique_ptr<ExtCore> makeRecipeNewKfunc(const Config& c) { return makeVariant<RecipeNewKfunc>(c); }

}  // namespace scxmc
