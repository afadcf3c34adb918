#include "chains/families/note/NoteFamily.h"

#include "chains/families/Family.h"

namespace trailmark::chains {

const Family& noteFamily()
{
    static const Family family{&noteDeriving(), &notePresenting(), &noteExporting()};
    return family;
}

} // namespace trailmark::chains
