#include "chains/families/edit/EditFamily.h"

#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& editFamily()
{
    static const Family family{&editDeriving(), &editPresenting(), &editExporting()};
    return family;
}

} // namespace trailmark::chains
