#include "GuiActionsFixture.h"

#include <QDir>
#include <QDirIterator>

namespace trailmark::test {
namespace {

QString kindName(v1::GuiAction::Kind kind)
{
    return QString::fromStdString(v1::GuiAction::Kind_Name(kind)).mid(5).toLower(); // KIND_CLICK -> click
}

} // namespace

// One stored action as the assertions read it: "click push button 'Save'".
QString describe(const v1::GuiAction& action)
{
    QString line = kindName(action.kind());
    if (action.kind() == v1::GuiAction::KIND_TYPE)
        line += action.text_withheld() ? QStringLiteral(" [%1]").arg(QString::fromStdString(action.withheld_reason()))
                                       : QStringLiteral(" '%1'").arg(QString::fromStdString(action.text()));
    if (!action.keys().empty())
        line += QStringLiteral(" ") + QString::fromStdString(action.keys());
    if (action.kind() == v1::GuiAction::KIND_SCROLL)
        line +=
            QStringLiteral(" %1×%2").arg(QString::fromStdString(action.scroll_direction())).arg(action.scroll_amount());
    if (action.element_status() == v1::GuiAction::ELEMENT_STATUS_FOUND)
        line += QStringLiteral(" %1 '%2'")
                    .arg(QString::fromStdString(action.element_role()), QString::fromStdString(action.element_name()));
    else
        line += QStringLiteral(" (element %1)")
                    .arg(QString::fromStdString(v1::GuiAction::ElementStatus_Name(action.element_status())));
    return line;
}

bool xdotool(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral("xdotool"), arguments);
    return process.waitForFinished(20000) && process.exitCode() == 0;
}

QString qtFormPath()
{
    return QStringLiteral(TRAILMARK_QT_FORM);
}

QString gtkFormPath()
{
    return QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/gui_actions/gtk_form.py");
}

// Pauses as a person does between actions: longer than the double-click time, so
// each click is one action, and time for the app to announce the new focus.
void beat()
{
    QTest::qWait(700);
}

bool click(QPoint at)
{
    return xdotool({QStringLiteral("mousemove"), QString::number(at.x()), QString::number(at.y())}) &&
           (QTest::qWait(150), true) && xdotool({QStringLiteral("click"), QStringLiteral("1")});
}

bool type(const QString& text)
{
    return xdotool({QStringLiteral("type"), QStringLiteral("--delay"), QStringLiteral("60"), text});
}

// Replays one exported Anthropic computer action with xdotool, the coordinates moved by
// `offset` (the replayed window may sit elsewhere on the screen).
bool replay(const QJsonObject& action, QPoint offset)
{
    const QString kind = action.value(QStringLiteral("action")).toString();
    const auto at = [&](const char* key) {
        const QJsonArray xy = action.value(QLatin1String(key)).toArray();
        return QPoint(xy.at(0).toInt(), xy.at(1).toInt()) + offset;
    };
    const auto move = [](QPoint point) {
        return xdotool({QStringLiteral("mousemove"), QString::number(point.x()), QString::number(point.y())});
    };
    bool ok = true;
    if (kind == QLatin1String("left_click")) {
        ok = click(at("coordinate"));
    } else if (kind == QLatin1String("left_click_drag")) {
        const QPoint from = at("start_coordinate");
        const QPoint to = at("coordinate");
        ok = move(from) && xdotool({QStringLiteral("mousedown"), QStringLiteral("1")});
        for (int step = 1; ok && step <= 5; ++step) {
            QTest::qWait(40);
            ok = move(from + (to - from) * step / 5);
        }
        ok = ok && xdotool({QStringLiteral("mouseup"), QStringLiteral("1")});
    } else if (kind == QLatin1String("scroll")) {
        const QString direction = action.value(QStringLiteral("scroll_direction")).toString();
        const QString button = direction == QLatin1String("up") ? QStringLiteral("4") : QStringLiteral("5");
        ok = move(at("coordinate")) && xdotool({QStringLiteral("click"), QStringLiteral("--repeat"),
                                                QString::number(action.value(QStringLiteral("scroll_amount")).toInt()),
                                                QStringLiteral("--delay"), QStringLiteral("80"), button});
    } else if (kind == QLatin1String("type")) {
        ok = type(action.value(QStringLiteral("text")).toString());
    } else if (kind == QLatin1String("key")) {
        ok = xdotool({QStringLiteral("key"), action.value(QStringLiteral("text")).toString()});
    } else {
        qWarning() << "cannot replay" << kind;
        return false;
    }
    beat();
    return ok;
}

QByteArray everythingUnder(const QString& directory)
{
    QByteArray all;
    QDirIterator files(directory, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

} // namespace trailmark::test
