#include "chains/families/marker/MarkerFamily.h"

#include "chains/families/ExportingFacet.h"
#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& markerFamily()
{
    static const Family family{&markerDeriving(), &markerPresenting(), &families::exportsNothing()};
    return family;
}

} // namespace trailmark::chains
