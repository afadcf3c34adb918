#include "chains/families/FamilyRegistry.h"

#include "chains/families/DerivingFacet.h"
#include "chains/families/edit/EditFamily.h"
#include "chains/families/gui/GuiFamily.h"
#include "chains/families/marker/MarkerFamily.h"
#include "chains/families/note/NoteFamily.h"
#include "chains/families/screenshot/ScreenshotFamily.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/window/WindowFamily.h"

#include <array>
#include <unordered_map>

namespace trailmark::chains::families {
namespace {

// The registration list: a new family is one more line here.
const std::array kFamilies{
    &shellFamily(), &editFamily(), &guiFamily(), &windowFamily(), &noteFamily(), &markerFamily(), &screenshotFamily(),
};

const std::unordered_map<int, const Family*>& byBody()
{
    static const std::unordered_map<int, const Family*> table = [] {
        std::unordered_map<int, const Family*> bodies;
        for (const Family* family : kFamilies) {
            for (const v1::Event::BodyCase body : deriving(*family).bodies())
                bodies.emplace(body, family);
        }
        return bodies;
    }();
    return table;
}

} // namespace

std::span<const Family* const> all()
{
    return kFamilies;
}

const Family* ofBody(v1::Event::BodyCase body)
{
    const auto& table = byBody();
    const auto found = table.find(body);
    return found == table.end() ? nullptr : found->second;
}

const Family* named(std::string_view name)
{
    for (const Family* family : kFamilies) {
        if (deriving(*family).name() == name)
            return family;
    }
    return nullptr;
}

} // namespace trailmark::chains::families
