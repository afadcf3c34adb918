#include "chains/families/window/WindowFamily.h"

#include "chains/export/JsonWriter.h"
#include "chains/families/DerivationContext.h"
#include "chains/families/EventFamily.h"
#include "chains/families/window/AppStep.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace trailmark::chains {
namespace {

// Titles listed in an observation; a session that churns titles (a progress counter in
// the title bar) would otherwise drown the chain.
constexpr qsizetype kMaxTitlesShown = 20;

QString text(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

const AppStep& appOf(const Step& step)
{
    return *step.as<AppStep>();
}

class WindowDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        if (event.has_app_switch()) {
            closeApp(context, event.time_ns());
            const auto& body = event.app_switch();
            Step& step = context.openStep(windowFamily(), event);
            auto app = std::make_unique<AppStep>();
            app->appClass = text(body.app_class());
            app->appInstance = text(body.app_instance());
            app->excluded = body.excluded();
            app->titles.append(body.excluded() ? QString() : text(body.title()));
            step.detail = std::move(app);
            m_current = step.index;
            return;
        }
        const auto& body = event.title_change();
        if (m_current < 0) {
            // Recording started with a window already active: an app step of unknown app.
            Step& step = context.openStep(windowFamily(), event);
            auto app = std::make_unique<AppStep>();
            app->excluded = body.excluded();
            app->titles.append(app->excluded ? QString() : text(body.title()));
            step.detail = std::move(app);
            m_current = step.index;
            return;
        }
        Step& step = context.step(m_current);
        if (!body.excluded())
            step.as<AppStep>()->titles.append(text(body.title()));
        context.attach(step, event);
        step.endNs = event.time_ns();
    }

    void close(DerivationContext& context) override { closeApp(context, context.lastEventNs()); }

private:
    void closeApp(DerivationContext& context, qint64 atNs)
    {
        if (m_current < 0)
            return;
        Step& app = context.step(m_current);
        app.endNs = std::max(app.endNs, atNs);
        app.durationNs = app.endNs - app.startNs;
        context.release(m_current);
        m_current = -1;
    }

    int m_current = -1; // the app step still active
};

class WindowFamily final : public EventFamily
{
public:
    std::string_view name() const override { return "app"; }
    std::vector<v1::Event::BodyCase> bodies() const override
    {
        return {v1::Event::kAppSwitch, v1::Event::kTitleChange};
    }

    QString describeEvent(const v1::Event& event) const override
    {
        if (event.has_app_switch()) {
            const auto& body = event.app_switch();
            return body.excluded()
                       ? QStringLiteral("switched to %1 (excluded)").arg(text(body.app_class()))
                       : QStringLiteral("switched to %1 — %2").arg(text(body.app_class()), text(body.title()));
        }
        return event.title_change().excluded() ? QStringLiteral("title withheld (excluded window)")
                                               : QStringLiteral("title: %1").arg(text(event.title_change().title()));
    }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<WindowDeriver>(); }
    bool opensStep(v1::Event::BodyCase body) const override { return body == v1::Event::kAppSwitch; }

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

const EventFamily& windowFamily()
{
    static const WindowFamily family;
    return family;
}

} // namespace trailmark::chains
