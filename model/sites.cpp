#include "sites.hpp"

namespace scxmc {

namespace {
const SiteInfo kSites[] = {
#define SCXMC_SITE_INFO(id, fn, file, line, what) {#id, fn, file, line, what},
    SCXMC_SITES(SCXMC_SITE_INFO)
#undef SCXMC_SITE_INFO
};
}  // namespace

const SiteInfo& siteInfo(Site s) { return kSites[static_cast<int>(s)]; }
int siteCount() { return static_cast<int>(Site::Count); }

}  // namespace scxmc
