#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/window/AppStep.h"
#include "chains/families/window/WindowFamily.h"

#include <algorithm>

namespace trailmark::chains {
namespace {

// Titles listed in an observation; a session that churns titles (a progress counter in
// the title bar) would otherwise drown the chain.
constexpr qsizetype kMaxTitlesShown = 20;

class WindowExporting final : public ExportingFacet
{
public:
    QString actionText(const Step& step) const override
    {
        const AppStep& app = appOf(step);
        const QString name = app.appClass.isEmpty() ? QStringLiteral("(unknown app)") : app.appClass;
        if (app.excluded)
            return QStringLiteral("switch to %1 (window excluded)").arg(name);
        return app.titles.isEmpty() || app.titles.first().isEmpty()
                   ? QStringLiteral("switch to %1").arg(name)
                   : QStringLiteral("switch to %1 — %2").arg(name, app.titles.first());
    }
    QString observationText(const Step& step) const override
    {
        const AppStep& app = appOf(step);
        if (app.excluded)
            return QStringLiteral("(window excluded from capture)");
        QString observation = QStringLiteral("Window title: %1").arg(app.titles.value(0));
        const qsizetype shown = std::min(app.titles.size(), kMaxTitlesShown);
        for (qsizetype i = 1; i < shown; ++i)
            observation += QStringLiteral("\nThen: %1").arg(app.titles.at(i));
        if (app.titles.size() > shown)
            observation += QStringLiteral("\n(%1 more title changes)").arg(app.titles.size() - shown);
        return observation;
    }

    std::string_view toolName() const override { return "switch_app"; }
    std::string_view toolPurpose() const override { return "switching between application windows"; }
    std::string toolArguments(const Step& step) const override
    {
        const AppStep& app = appOf(step);
        std::string out;
        JsonWriter json(out);
        json.beginObject();
        json.field("app", app.appClass.isEmpty() ? QStringLiteral("(unknown)") : app.appClass);
        json.field("title", app.titles.value(0));
        json.endObject();
        return out;
    }
    void writeToolSchema(JsonWriter& json) const override
    {
        writeFunctionSchema(json, "switch_app",
                            "Bring an application window to the front; returns the window titles seen there.",
                            {{"app", "Application class, e.g. Firefox.", true}, {"title", "Window title to pick."}});
    }
    std::string_view countLabel() const override { return "app switches"; }

    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        const AppStep* app = step ? step->as<AppStep>() : nullptr;
        json.textOrNull("app", app ? app->appClass : QString());
        json.textOrNull("app_instance", app ? app->appInstance : QString());
        json.stringList("titles", app ? app->titles : QStringList());
    }
};

} // namespace

const ExportingFacet& windowExporting()
{
    static const WindowExporting facet;
    return facet;
}

} // namespace trailmark::chains
