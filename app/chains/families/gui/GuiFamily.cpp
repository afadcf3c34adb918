#include "chains/families/gui/GuiFamily.h"

#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& guiFamily()
{
    static const Family family{&guiDeriving(), &guiPresenting(), &guiExporting()};
    return family;
}

} // namespace trailmark::chains
