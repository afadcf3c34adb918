#include "chains/families/screenshot/ScreenshotFamily.h"

#include "chains/families/ExportingFacet.h"
#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& screenshotFamily()
{
    static const Family family{&screenshotDeriving(), &screenshotPresenting(), &families::exportsNothing()};
    return family;
}

} // namespace trailmark::chains
