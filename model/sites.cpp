#include "sites.hpp"

#include "variant_api.hpp"

namespace scxmc {

namespace {
const SiteInfo kSites[] = {
#define SCXMC_SITE_INFO(id, fn, file, line, what) {#id, fn, file, line, what},
    SCXMC_SITES(SCXMC_SITE_INFO)
#undef SCXMC_SITE_INFO
};
}  // namespace

const SiteInfo& siteInfo(Site s) {
  const auto i = static_cast<uint8_t>(s);
  return i >= kVariantSiteBase ? variantSiteInfo(i) : kSites[i];
}
int siteCount() { return static_cast<int>(Site::Count); }

}  // namespace scxmc
