#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/note/NoteFamily.h"
#include "chains/families/note/NoteStep.h"

namespace trailmark::chains {
namespace {

class NoteExporting final : public ExportingFacet
{
public:
    QString actionText(const Step& step) const override { return noteOf(step).text; }
    std::string_view countLabel() const override { return "notes"; }

    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        json.textOrNull("note_kind", step ? noteOf(*step).kind : QString());
    }
};

} // namespace

const ExportingFacet& noteExporting()
{
    static const NoteExporting facet;
    return facet;
}

} // namespace trailmark::chains
