// The symbolic encoding of the ext core's protocol (issue 6).
//
// A SymState is the projection of a model State onto what the invariants
// custody, deq-flags, opss and dsq read: per task the ops_state, the QUEUED
// and IN_CUSTODY flags, the custody monitor's ghost bit, DSQ membership,
// p->scx.dsq, holding_cpu, sticky_cpu, the deferred direct dispatch, whether
// a fresh dispatch-buffer record exists, task_cpu and on_rq; per CPU rq->curr;
// per actor the in-flight kernel path that names a task (its program counter
// and registers); per DSQ its length and dsq->nr.  Every field is an array
// indexed by a sort: Task, Cpu, Actor, Dsq.  In a Universe of kind Unbounded
// those sorts are uninterpreted (any number of tasks, CPUs, DSQs); of kind
// Finite they are enumerations of a concrete configuration (the agreement
// test), and quantifiers are expanded into finite conjunctions.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <z3++.h>

namespace scxmc::proofs {
// Z3 catches SIGINT during a query by default (it cancels the query and
// swallows the signal); scxmc's own handler must see it (issue 20), so every
// solver is made with ctrl_c off.
inline void noCtrlC(z3::solver& s) {
  z3::params p(s.ctx());
  p.set("ctrl_c", false);
  s.set(p);
}
}  // namespace scxmc::proofs

namespace scxmc::proofs {

enum class Dom : uint8_t { Task, Cpu, Actor, Dsq, Scalar };
enum class Rng : uint8_t { Int, Bool, Task, Cpu, Actor, Dsq };

// State fields.  "when" names the field's meaning condition (a field is
// don't-care outside it, e.g. LD only matters while LK).
#define SCXMC_SYM_FIELDS(X)                                                        \
  X(OPSS, Task, Int, "p->scx.ops_state (0 NONE,1 QUEUEING,2 QUEUED,3 DISPATCHING)") \
  X(ONRQ, Task, Int, "p->on_rq (0 no, 1 queued, 2 migrating)")                     \
  X(QD, Task, Bool, "SCX_TASK_QUEUED")                                             \
  X(CUST, Task, Bool, "SCX_TASK_IN_CUSTODY")                                       \
  X(G, Task, Bool, "ghost: in BPF custody (the custody monitor's bit)")            \
  X(LK, Task, Bool, "linked on a DSQ list")                                        \
  X(LD, Task, Dsq, "the DSQ whose list links p (when LK)")                         \
  X(HP, Task, Bool, "p->scx.dsq set")                                              \
  X(PD, Task, Dsq, "p->scx.dsq (when HP)")                                         \
  X(HH, Task, Bool, "p->scx.holding_cpu set")                                      \
  X(HD, Task, Actor, "p->scx.holding_cpu (when HH)")                               \
  X(STICKY, Task, Bool, "p->scx.sticky_cpu set (SCX-internal migration)")          \
  X(DFR, Task, Bool, "on an rq's ddsp_deferred_locals")                           \
  X(DFRQ, Task, Cpu, "the rq whose deferred list links p (when DFR)")              \
  X(DDST, Task, Cpu, "the CPU its direct dispatch names (when DFR)")               \
  X(REC, Task, Bool, "a dispatch-buffer record with p's current qseq exists")      \
  X(CPU, Task, Cpu, "task_cpu(p)")                                                 \
  X(PIN, Task, Bool, "p->cpus_mask is not every CPU")                             \
  X(HC, Cpu, Bool, "rq->curr is an ext task")                                      \
  X(CUR, Cpu, Task, "rq->curr (when HC)")                                          \
  X(APC, Actor, Int, "in-flight path on a task: the model's Pc, 0 if none")        \
  X(AT, Actor, Task, "its task register")                                          \
  X(AOP, Actor, Int, "its Op (the cause ops.dequeue flags reflect)")               \
  X(AFLAG, Actor, Int, "deq flags (DeqWait), dequeue owed (FlushRelease), cursor lost (DsqMoveSrc)") \
  X(ATAG, Actor, Int, "continuation after a DeqWait (Ret)")                        \
  X(AX, Actor, Cpu, "CPU register: the rq the path locks next / holds")            \
  X(AY, Actor, Cpu, "second CPU register: destination")                            \
  X(AD, Actor, Dsq, "DSQ register: link target (FlushLink) / source (dsq_move)")   \
  X(DSPA, Task, Actor, "witness: the CPU holding p's DISPATCHING claim (when DISPATCHING)") \
  X(MIG, Task, Actor, "witness: the actor migrating p (when sticky_cpu is set)")        \
  X(RQH, Cpu, Actor, "witness: the paused actor holding this rq lock")                \
  X(N, Dsq, Int, "list length")                                                    \
  X(NR, Dsq, Int, "dsq->nr")                                                       \
  X(ERR, Scalar, Bool, "scx_error() raised")

enum F : int {
#define SCXMC_SYM_ENUM(id, d, r, what) id,
  SCXMC_SYM_FIELDS(SCXMC_SYM_ENUM)
#undef SCXMC_SYM_ENUM
      NF
};

struct FieldInfo {
  const char* name;
  Dom dom;
  Rng rng;
  const char* what;
};
const FieldInfo& fieldInfo(int f);

// Abstract program counters: exactly the model's Pc values at which an actor's
// frame names a task (f.t); every other pc projects to 0.
namespace apc {
inline constexpr int Idle = 0;
int ConsumeLocalWait();
int ConsumeSrc();
int ConsumeSrcWait();
int MrtDst();
int FlushLink();
int FlushRelease();
int DtlSrc();
int DsqMoveSrc();
int DsqMoveWait();
int DeqWait();
int MqtDst();
int DsqMoveRemote();
int ChangeEnqueue();
int MqtBegin();
bool isTaskPc(int pc);
}  // namespace apc

class Universe {
 public:
  enum class Kind { Unbounded, Finite };
  // Unbounded universe.
  explicit Universe(z3::context& c);
  // Finite universe of a concrete configuration.
  Universe(z3::context& c, int tasks, int cpus, int user_dsqs);

  z3::context& ctx() { return c_; }
  Kind kind() const { return kind_; }
  bool finite() const { return kind_ == Kind::Finite; }
  z3::sort sortOf(Dom d);
  z3::sort rangeOf(Rng r);

  // Quantifiers: z3 quantifiers when unbounded, conjunctions/disjunctions over
  // the elements when finite.
  z3::expr all(Dom d, const std::function<z3::expr(z3::expr)>& body);
  z3::expr any(Dom d, const std::function<z3::expr(z3::expr)>& body);

  // Static structure: local DSQs, the global DSQ, CPU and task actors.
  // (Unbounded: uninterpreted functions constrained by axioms().  Finite:
  // interpreted tables, so a concrete argument simplifies to its value.)
  z3::expr isLocal(const z3::expr& d) { return apply(isLocal_, kIsLocal, d); }
  z3::expr owner(const z3::expr& d) { return apply(owner_, kOwner, d); }
  z3::expr local(const z3::expr& c) { return apply(local_, kLocal, c); }
  z3::expr gdsq() { return gdsq_; }
  z3::expr isUser(const z3::expr& d) { return !isLocal(d) && d != gdsq_; }
  z3::expr isCpuA(const z3::expr& a) { return apply(isCpuA_, kIsCpuA, a); }
  z3::expr acpu(const z3::expr& a) { return apply(acpu_, kAcpu, a); }
  z3::expr cpuActor(const z3::expr& c) { return apply(cpuActor_, kCpuActor, c); }
  z3::expr taskActor(const z3::expr& t) { return apply(taskActor_, kTaskActor, t); }
  z3::expr atask(const z3::expr& a) { return apply(atask_, kAtask, a); }
  z3::expr axioms() { return axioms_; }

  // Finite universe elements (empty when unbounded).
  const std::vector<z3::expr>& elems(Dom d) const;
  // Model ids -> elements (finite only).
  z3::expr task(int t) const { return tasks_.at(t); }
  z3::expr cpu(int c) const { return cpus_.at(c); }
  z3::expr actor(int a) const { return actors_.at(a); }
  z3::expr dsq(uint8_t model_dsq) const;  // model DSQ numbering (state.hpp)
  int tasks() const { return (int)tasks_.size(); }
  int cpus() const { return (int)cpus_.size(); }

  // A fresh constant of a sort.
  z3::expr fresh(const std::string& name, z3::sort s);

 private:
  void declareStatics();
  enum StaticFn { kIsLocal, kOwner, kLocal, kIsCpuA, kAcpu, kCpuActor, kTaskActor, kAtask, kStaticFns };
  z3::expr apply(const z3::func_decl& f, StaticFn which, const z3::expr& x);
  // finite universes: (argument, value) per element, per static function
  std::vector<std::pair<z3::expr, z3::expr>> table_[kStaticFns];
  z3::context& c_;
  Kind kind_;
  z3::sort task_, cpu_, actor_, dsq_;
  std::vector<z3::expr> tasks_, cpus_, actors_, dsqs_;
  int user_dsqs_ = 0;
  z3::func_decl isLocal_, owner_, local_, isCpuA_, acpu_, cpuActor_, taskActor_, atask_;
  z3::expr gdsq_;
  z3::expr axioms_;
  unsigned fresh_ = 0;
};

struct SymState {
  std::vector<z3::expr> f;  // indexed by F
  z3::expr operator[](int i) const { return f.at(i); }
};

// A state of fresh constants named prefix.FIELD.
SymState freshState(Universe& U, const std::string& prefix);
// Equality of every field.
z3::expr sameState(Universe& U, const SymState& a, const SymState& b);

// An invariant obligation raised by a transition (e.g. "ops.dequeue only in
// custody"); holds must be true for the transition not to violate `inv`.
struct Obligation {
  std::string inv;   // custody | deq-flags | opss | dsq
  std::string what;  // plain words
  z3::expr holds;
};

// The result of building one symbolic action instance.
struct ActionInstance {
  std::string name;    // action id (kernel function)
  std::string site;    // sites.hpp id it is named after
  z3::expr guard;      // enabled
  SymState next;
  std::vector<Obligation> obl;
  std::vector<z3::expr> params;  // the instance's free choices
};

}  // namespace scxmc::proofs
