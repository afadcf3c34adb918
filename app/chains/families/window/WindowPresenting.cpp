#include "chains/families/PresentingFacet.h"
#include "chains/families/window/AppStep.h"
#include "chains/families/window/WindowFamily.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trailmark::chains {
namespace {

class WindowPresenting final : public PresentingFacet
{
public:
    QString describeEvent(const v1::Event& event) const override
    {
        if (event.has_app_switch()) {
            const auto& body = event.app_switch();
            return body.excluded()
                       ? QStringLiteral("switched to %1 (excluded)").arg(utf8Text(body.app_class()))
                       : QStringLiteral("switched to %1 — %2").arg(utf8Text(body.app_class()), utf8Text(body.title()));
        }
        return event.title_change().excluded()
                   ? QStringLiteral("title withheld (excluded window)")
                   : QStringLiteral("title: %1").arg(utf8Text(event.title_change().title()));
    }
    TimelineLane lane(const Step& step) const override
    {
        const QString label = appOf(step).appClass.isEmpty() ? QStringLiteral("(unknown app)") : appOf(step).appClass;
        return {QStringLiteral("app:") + label, label};
    }
    quint32 color(StepOutcome) const override { return 0x5b9b5b; }
    QStringList showDetails(const Step& step) const override
    {
        const AppStep& app = appOf(step);
        if (app.titles.size() <= 1)
            return {};
        return {QStringLiteral("titles: ") + oneLine(app.titles.mid(1).join(QStringLiteral(" → ")))};
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        const AppStep& app = appOf(step);
        if (app.titles.isEmpty())
            return {};
        const QByteArray title = app.titles.first().toUtf8();
        return {{0, QStringLiteral("title"), QStringLiteral("Window title"), title.toStdString()}};
    }

    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const AppStep* app = step ? step->as<AppStep>() : nullptr;
        object.insert(QStringLiteral("app"),
                      app && !app->appClass.isEmpty() ? QJsonValue(app->appClass) : QJsonValue());
        object.insert(QStringLiteral("titles"),
                      app ? QJsonValue(QJsonArray::fromStringList(app->titles)) : QJsonValue());
    }
};

} // namespace

const PresentingFacet& windowPresenting()
{
    static const WindowPresenting facet;
    return facet;
}

} // namespace trailmark::chains
