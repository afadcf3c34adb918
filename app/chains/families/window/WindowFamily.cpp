#include "chains/families/window/WindowFamily.h"

#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& windowFamily()
{
    static const Family family{&windowDeriving(), &windowPresenting(), &windowExporting()};
    return family;
}

} // namespace trailmark::chains
