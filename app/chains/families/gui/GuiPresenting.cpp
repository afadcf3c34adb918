#include "chains/families/PresentingFacet.h"
#include "chains/families/gui/GuiDialects.h"
#include "chains/families/gui/GuiFamily.h"
#include "chains/families/gui/GuiStep.h"
#include "chains/families/gui/GuiText.h"

#include <QJsonObject>

namespace trailmark::chains {
namespace {

class GuiPresenting final : public PresentingFacet
{
public:
    QString describeEvent(const v1::Event& event) const override
    {
        return event.has_gui_alert() ? QStringLiteral("dialog %1").arg(describeAlert(event.gui_alert()))
                                     : describeAction(event.gui_action());
    }
    TimelineLane lane(const Step& step) const override
    {
        const QString app = utf8Text(actionOf(step).app_class());
        const QString label = app.isEmpty() ? QStringLiteral("(GUI)") : app;
        return {QStringLiteral("gui:") + label, label + QStringLiteral(" actions")};
    }
    quint32 color(StepOutcome) const override { return 0x8a5bb0; }
    QStringList detailFacts(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        QStringList facts;
        facts << QStringLiteral("at %1,%2 on a %3×%4 screen (%5, %6)")
                     .arg(action.x())
                     .arg(action.y())
                     .arg(action.screen_width())
                     .arg(action.screen_height())
                     .arg(QString::fromStdString(fraction(action.norm_x())),
                          QString::fromStdString(fraction(action.norm_y())));
        if (hasElement(action))
            facts << utf8Text(action.element_path());
        else
            facts << QStringLiteral("element: %1").arg(elementStatusText(action.element_status()));
        if (action.text_withheld())
            facts << utf8Text(action.withheld_reason());
        return facts;
    }
    QStringList showDetails(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        QStringList details;
        if (hasElement(action))
            details << QStringLiteral("element: ") + oneLine(utf8Text(action.element_path()));
        if (!action.keyframe_sha256().empty())
            details << QStringLiteral("keyframe: %1").arg(hex(action.keyframe_sha256()).left(12));
        return details;
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        std::vector<RedactableText> texts;
        if (!action.text().empty())
            texts.push_back({0, QStringLiteral("text"), QStringLiteral("Typed text"), action.text()});
        if (!action.window_title().empty())
            texts.push_back({0, QStringLiteral("window_title"), QStringLiteral("Window title"), action.window_title()});
        if (!action.element_name().empty())
            texts.push_back({0, QStringLiteral("element_name"), QStringLiteral("Element name"), action.element_name()});
        return texts;
    }

    std::optional<ScreenMarks> screenMarks(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        if (action.keyframe_sha256().empty())
            return std::nullopt;
        ScreenMarks marks;
        marks.screenshot = hex(action.keyframe_sha256());
        // Keys and typing happen where the focus is, not where the pointer rests.
        if (isPointerAction(action.kind()))
            marks.point = QPoint(action.x(), action.y());
        else if (hasElement(action))
            marks.point = QPoint(action.element_x() + action.element_width() / 2,
                                 action.element_y() + action.element_height() / 2);
        else
            marks.point = QPoint(action.x(), action.y());
        if (action.kind() == v1::GuiAction::KIND_DRAG)
            marks.end = QPoint(action.end_x(), action.end_y());
        if (hasElement(action)) {
            marks.elementBox =
                QRect(action.element_x(), action.element_y(), action.element_width(), action.element_height());
            marks.label = target(action);
        }
        return marks;
    }

    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const GuiStep* gui = step ? step->as<GuiStep>() : nullptr;
        if (!gui)
            return;
        const v1::GuiAction& action = gui->action;
        object.insert(QStringLiteral("gui_action"), QString::fromLatin1(anthropicActionName(action.kind())));
        object.insert(QStringLiteral("x"), action.x());
        object.insert(QStringLiteral("y"), action.y());
        object.insert(QStringLiteral("element_role"), utf8Text(action.element_role()));
        object.insert(QStringLiteral("element_name"), utf8Text(action.element_name()));
        object.insert(QStringLiteral("element_path"), utf8Text(action.element_path()));
        object.insert(QStringLiteral("typed_text"), utf8Text(action.text()));
        object.insert(QStringLiteral("keys"), utf8Text(action.keys()));
        object.insert(QStringLiteral("pyautogui"), QString::fromStdString(guiActionAsPyAutoGui(action)));
    }
};

} // namespace

const PresentingFacet& guiPresenting()
{
    static const GuiPresenting facet;
    return facet;
}

} // namespace trailmark::chains
