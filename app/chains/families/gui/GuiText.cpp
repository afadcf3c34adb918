#include "chains/families/gui/GuiText.h"

#include "chains/families/PresentingFacet.h"

#include <algorithm>
#include <cstdio>

namespace trailmark::chains {
namespace {

using Kind = v1::GuiAction::Kind;

// How people read the kind: "click", "double-click", "press".
QString verb(Kind kind)
{
    switch (kind) {
    case v1::GuiAction::KIND_CLICK:
        return QStringLiteral("click");
    case v1::GuiAction::KIND_DOUBLE_CLICK:
        return QStringLiteral("double-click");
    case v1::GuiAction::KIND_TRIPLE_CLICK:
        return QStringLiteral("triple-click");
    case v1::GuiAction::KIND_RIGHT_CLICK:
        return QStringLiteral("right-click");
    case v1::GuiAction::KIND_MIDDLE_CLICK:
        return QStringLiteral("middle-click");
    case v1::GuiAction::KIND_DRAG:
        return QStringLiteral("drag");
    case v1::GuiAction::KIND_SCROLL:
        return QStringLiteral("scroll");
    case v1::GuiAction::KIND_TYPE:
        return QStringLiteral("type");
    default:
        return QStringLiteral("press");
    }
}

} // namespace

bool isPointerAction(Kind kind)
{
    return kind != v1::GuiAction::KIND_TYPE && kind != v1::GuiAction::KIND_KEY && kind != v1::GuiAction::KIND_HOTKEY;
}

bool hasElement(const v1::GuiAction& action)
{
    return action.element_status() == v1::GuiAction::ELEMENT_STATUS_FOUND && !action.element_role().empty();
}

QString target(const v1::GuiAction& action)
{
    if (hasElement(action)) {
        const QString name = utf8Text(action.element_name());
        return name.isEmpty() ? utf8Text(action.element_role())
                              : QStringLiteral("%1 '%2'").arg(utf8Text(action.element_role()), name);
    }
    return isPointerAction(action.kind()) ? QStringLiteral("(%1, %2)").arg(action.x()).arg(action.y()) : QString();
}

QString appName(const v1::GuiAction& action)
{
    if (!action.window_title().empty())
        return utf8Text(action.window_title());
    return utf8Text(action.app_class());
}

QString elementStatusText(v1::GuiAction::ElementStatus status)
{
    switch (status) {
    case v1::GuiAction::ELEMENT_STATUS_FOUND:
        return QStringLiteral("found");
    case v1::GuiAction::ELEMENT_STATUS_NO_ACCESSIBILITY:
        return QStringLiteral("the app exposes no accessibility: coordinates only");
    case v1::GuiAction::ELEMENT_STATUS_NOT_FOUND:
        return QStringLiteral("no element at the point");
    case v1::GuiAction::ELEMENT_STATUS_UNAVAILABLE:
        return QStringLiteral("accessibility (AT-SPI) was not running");
    default:
        return QStringLiteral("not read (excluded window)");
    }
}

QString hex(const std::string& bytes)
{
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toHex());
}

std::string fraction(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4f", std::clamp(value, 0.0, 1.0));
    return buffer;
}

QString describeAlert(const v1::GuiAlert& alert)
{
    QString line = QStringLiteral("%1 '%2'").arg(utf8Text(alert.role()), utf8Text(alert.title()));
    if (!alert.text().empty())
        line += QStringLiteral(": ") + oneLine(utf8Text(alert.text()), 200);
    return line;
}

QString describeAction(const v1::GuiAction& action)
{
    QString line;
    const QString where = target(action);
    switch (action.kind()) {
    case v1::GuiAction::KIND_DRAG:
        line = QStringLiteral("drag %1 to (%2, %3)").arg(where).arg(action.end_x()).arg(action.end_y());
        break;
    case v1::GuiAction::KIND_SCROLL:
        line = QStringLiteral("scroll %1 ×%2 over %3")
                   .arg(utf8Text(action.scroll_direction()))
                   .arg(action.scroll_amount())
                   .arg(where);
        break;
    case v1::GuiAction::KIND_TYPE:
        line = action.text_withheld() ? QStringLiteral("type (%1)").arg(utf8Text(action.withheld_reason()))
                                      : QStringLiteral("type “%1”").arg(oneLine(utf8Text(action.text()), 120));
        if (!where.isEmpty())
            line += QStringLiteral(" into %1").arg(where);
        break;
    case v1::GuiAction::KIND_KEY:
    case v1::GuiAction::KIND_HOTKEY:
        line = QStringLiteral("press %1").arg(utf8Text(action.keys()));
        if (!where.isEmpty())
            line += QStringLiteral(" in %1").arg(where);
        break;
    default:
        line = QStringLiteral("%1 %2").arg(verb(action.kind()), where);
    }
    const QString app = appName(action);
    if (!app.isEmpty())
        line += QStringLiteral(" — %1").arg(app);
    return line;
}

} // namespace trailmark::chains
