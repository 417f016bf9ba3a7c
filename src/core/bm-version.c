#include "bm-config.h"

#include "bm-build-id.h"
#include "bm-version.h"

/* One place says what this build is, for --version of both programs and
 * the About dialog: the release (meson's project version) and the build it
 * came from, so county IT can tell two builds of one release apart. Only
 * this file includes the generated header, so a new commit recompiles one
 * file, not the tree. */
const char *
bm_version_string (void)
{
  return PACKAGE_VERSION " (build " BM_BUILD_ID ")";
}

const char *
bm_build_id (void)
{
  return BM_BUILD_ID;
}
