// The declared footprints (footprint.hpp).
#include "footprint.hpp"

#include "ext_core.hpp"

namespace scxmc {

namespace {
constexpr uint8_t R = kFpRead, W = kFpWrite, RW = kFpRead | kFpWrite;
constexpr uint8_t Self = kScopeSelf, Home = kScopeHome, T = kScopeT, X = kScopeX, Y = kScopeY, D = kScopeD,
                  G = kScopeGlobal, Any = kScopeAny;
constexpr uint8_t H(Pc pc) { return static_cast<uint8_t>(pc); }
constexpr uint8_t L(LifePc pc) { return static_cast<uint8_t>(trace::kHelperBase + static_cast<uint8_t>(pc)); }
constexpr uint8_t C(ClaimPc pc) { return static_cast<uint8_t>(trace::kClaimerBase + static_cast<uint8_t>(pc)); }
constexpr uint8_t M(MigPc pc) { return static_cast<uint8_t>(trace::kMigratorBase + static_cast<uint8_t>(pc)); }

// clang-format off
const std::vector<FootprintEntry> kTable = {
#include "footprint_table.inc"
};
// clang-format on
}  // namespace

const std::vector<FootprintEntry>& declaredFootprints() { return kTable; }

std::string handlerId(uint8_t h) {
  static const char* const kPc[] = {
      "Rest", "Pick", "DispatchSched", "CallDispatch", "BpfDispatch", "Flush", "FlushLink", "FlushRelease",
      "AfterFlush", "NoneTail", "PickFinish", "Consume", "ConsumeLocalWait", "ConsumeSrc", "ConsumeSrcWait",
      "MrtDst", "RelockHome", "DtlSrc", "DsqMoveSrc", "DsqMoveWait", "Deferred", "DeqWait", "MqtDst",
      "DsqMoveRemote", "ChangeEnqueue", "MqtBegin", "TtwuActivate", "KickIrq", "KickSyncWait", "KickSyncSpin", "Variant0", "Variant1", "Variant2", "Variant3",
      "Variant4", "Variant5"};
  static_assert(sizeof(kPc) / sizeof(kPc[0]) == static_cast<size_t>(Pc::Count));
  static const char* const kLife[] = {"Idle",       "EnBypass",   "EnInitLock", "EnInitTask", "EnSwitchLock",
                                      "EnSwitchTask", "EnUnbypass", "EnPublish",  "Enabled",    "DisLock",
                                      "DisTasks",   "DisExit",    "DisUnbypass", "Done",
                                      "EnInitCall0", "EnInitCall1", "EnInitCall2", "EnInitCall3",
                                      "SubEnInit",  "SubEnSwitch", "SubEnabled", "SubDisTasks", "SubDisExit",
                                      "SubGone",    "SubEnLinked", "SubEnFailed", "SubDisFail", "SubDisPunt",
                                      "SubEnAbort", "SubEnAborted", "SubEnErrEarly", "SubEnErrClaim",
                                      "SubEnErrClaimed"};
  static_assert(sizeof(kLife) / sizeof(kLife[0]) == static_cast<size_t>(LifePc::Count));
  if (h >= trace::kMigratorBase) {
    static const char* const kMig[] = {"Idle", "Attach", "Migrated", "Canceled"};
    static_assert(sizeof(kMig) / sizeof(kMig[0]) == static_cast<size_t>(MigPc::Count));
    const int m = h - trace::kMigratorBase;
    return m < static_cast<int>(MigPc::Count) ? std::string("M(MigPc::") + kMig[m] + ")" : "?";
  }
  if (h >= trace::kClaimerBase) {
    static const char* const kClaim[] = {"Idle", "RootClaimed", "RootSwept", "RootQueue", "ChildClaimed"};
    static_assert(sizeof(kClaim) / sizeof(kClaim[0]) == static_cast<size_t>(ClaimPc::Count));
    const int c = h - trace::kClaimerBase;
    return c < static_cast<int>(ClaimPc::Count) ? std::string("C(ClaimPc::") + kClaim[c] + ")" : "?";
  }
  if (h >= trace::kHelperBase) {
    const int l = h - trace::kHelperBase;
    return l < static_cast<int>(LifePc::Count) ? std::string("L(LifePc::") + kLife[l] + ")" : "?";
  }
  return h < static_cast<int>(Pc::Count) ? std::string("H(Pc::") + kPc[h] + ")" : "?";
}

std::string handlerName(uint8_t h) {
  if (h >= trace::kMigratorBase) return std::string("cgroup writer:") + migPcName(static_cast<uint8_t>(h - trace::kMigratorBase));
  if (h >= trace::kClaimerBase) return std::string("claimer:") + claimPcName(static_cast<uint8_t>(h - trace::kClaimerBase));
  if (h >= trace::kHelperBase) return std::string("helper:") + lifePcName(static_cast<uint8_t>(h - trace::kHelperBase));
  return pcName(h);
}

std::string scopeName(uint8_t s) {
  static const char* const kNames[] = {"self", "home", "t", "x", "y", "d", "global", "any"};
  std::string out;
  for (int i = 0; i < 8; ++i)
    if (s & (1 << i)) out += (out.empty() ? "" : "|") + std::string(kNames[i]);
  return out.empty() ? "none" : out;
}

uint8_t matchScopes(const Config& cfg, Location loc, const uint8_t hreg[6]) {
  const uint8_t t = hreg[0], x = hreg[1], y = hreg[2], d = hreg[3], home = hreg[4], actor = hreg[5];
  const uint8_t i = loc.inst;
  uint8_t m = 0;
  if (locIsTask(loc.kind)) {
    if (actor >= cfg.cpus && actor < cfg.actors() && i == actor - cfg.cpus) m |= kScopeSelf;
    if (i == t) m |= kScopeT;
  } else if (locIsCpu(loc.kind) || loc.kind == Loc::DsqList || loc.kind == Loc::DsqId) {
    if (actor < cfg.cpus && i == actor) m |= kScopeSelf;
    if (i == home) m |= kScopeHome;
    if (i == x) m |= kScopeX;
    if (i == y) m |= kScopeY;
    if ((loc.kind == Loc::DsqList || loc.kind == Loc::DsqId) && i == d) m |= kScopeD;
  } else if (locIsFrame(loc.kind)) {
    if (i == actor) m |= kScopeSelf;
  } else {
    m |= kScopeGlobal;
  }
  return m;
}

}  // namespace scxmc
