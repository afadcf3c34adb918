#include "chains/families/shell/ShellFamily.h"

#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& shellFamily()
{
    static const Family family{&shellDeriving(), &shellPresenting(), &shellExporting()};
    return family;
}

} // namespace trailmark::chains
