// Factories of the individual invariants (one file each).
#pragma once

#include "invariant.hpp"

namespace scxmc {
std::unique_ptr<Invariant> makeCustody();
std::unique_ptr<Invariant> makeDeqFlags();
std::unique_ptr<Invariant> makeOpss();
std::unique_ptr<Invariant> makeDsq();
std::unique_ptr<Invariant> makeCallbackOrder();
std::unique_ptr<Invariant> makeNoLostTask();
std::unique_ptr<Invariant> makeDequeueUnlocked();
std::unique_ptr<Invariant> makeKernelWarn();
std::unique_ptr<Invariant> makeScxError();
std::unique_ptr<Invariant> makeLockOrder();
std::unique_ptr<Invariant> makeLockContext();
std::unique_ptr<Invariant> makeLifecycle();
std::unique_ptr<Invariant> makeBypass();
std::unique_ptr<Invariant> makeSleepInAtomic();
std::unique_ptr<Invariant> makeCycleResidue();
std::unique_ptr<Invariant> makeRunningPairing();
std::unique_ptr<Invariant> makeDonorMigration();
std::unique_ptr<Invariant> makeSubOwnership();     // sub_ownership.cpp
std::unique_ptr<Invariant> makeSubCallbackOwner();  // sub_callback_owner.cpp
std::unique_ptr<Invariant> makeSubExit();           // sub_exit.cpp
std::unique_ptr<Invariant> makeSubTaskInit();       // sub_task_init.cpp
std::unique_ptr<Invariant> makeSubPairing();        // sub_pairing.cpp
std::unique_ptr<Invariant> makeRootAfterExit();     // root_after_exit.cpp
}  // namespace scxmc
