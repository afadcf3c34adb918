// ActionAggregator: raw presses and releases become the actions people name. Each
// case is a script of raw input and the actions it must give, written as one line each:
// "kind x,y [→ x,y] [text|keys|direction×amount] [duration]".
#include "capture/gui/ActionAggregator.h"

#include <QStringList>
#include <QTest>

using namespace trailmark;
using namespace trailmark::capture;

namespace {

constexpr qint64 kMs = 1'000'000;
constexpr qint64 kStart = 1'700'000'000'000 * kMs;

QString kindName(v1::GuiAction::Kind kind)
{
    switch (kind) {
    case v1::GuiAction::KIND_CLICK:
        return QStringLiteral("click");
    case v1::GuiAction::KIND_DOUBLE_CLICK:
        return QStringLiteral("double_click");
    case v1::GuiAction::KIND_TRIPLE_CLICK:
        return QStringLiteral("triple_click");
    case v1::GuiAction::KIND_RIGHT_CLICK:
        return QStringLiteral("right_click");
    case v1::GuiAction::KIND_MIDDLE_CLICK:
        return QStringLiteral("middle_click");
    case v1::GuiAction::KIND_DRAG:
        return QStringLiteral("drag");
    case v1::GuiAction::KIND_SCROLL:
        return QStringLiteral("scroll");
    case v1::GuiAction::KIND_TYPE:
        return QStringLiteral("type");
    case v1::GuiAction::KIND_KEY:
        return QStringLiteral("key");
    case v1::GuiAction::KIND_HOTKEY:
        return QStringLiteral("hotkey");
    default:
        return QStringLiteral("?");
    }
}

QString describe(const v1::GuiAction& action)
{
    QString line = QStringLiteral("%1 %2,%3").arg(kindName(action.kind())).arg(action.x()).arg(action.y());
    if (action.kind() == v1::GuiAction::KIND_DRAG)
        line += QStringLiteral(" → %1,%2").arg(action.end_x()).arg(action.end_y());
    if (action.kind() == v1::GuiAction::KIND_SCROLL)
        line +=
            QStringLiteral(" %1×%2").arg(QString::fromStdString(action.scroll_direction())).arg(action.scroll_amount());
    if (action.kind() == v1::GuiAction::KIND_TYPE) {
        line += action.text_withheld() ? QStringLiteral(" [%1]").arg(QString::fromStdString(action.withheld_reason()))
                                       : QStringLiteral(" '%1'").arg(QString::fromStdString(action.text()));
    }
    if (!action.keys().empty())
        line += QStringLiteral(" %1").arg(QString::fromStdString(action.keys()));
    return line;
}

// A tiny script language for raw input, one token per input, times in ms from start:
//   "@120"        advance the clock to 120 ms
//   "down 1 10,20" / "up 1 12,20"   button press / release at a point
//   "wheel 5 10,20"                 one wheel turn (press; X sends the release too)
//   "key a" / "key ctrl+s" / "key shift+A" / "key Return"   a key press (text = name
//                                   for one printable character)
//   "focus"                         the keyboard focus moved
QStringList list(std::initializer_list<const char*> items)
{
    QStringList result;
    for (const char* item : items)
        result << QString::fromUtf8(item);
    return result;
}

RawInput button(RawInput::Type type, qint64 timeNs, int x, int y)
{
    RawInput input;
    input.type = type;
    input.timeNs = timeNs;
    input.x = x;
    input.y = y;
    input.button = 1;
    return input;
}

struct Script
{
    QStringList actions;
    QList<qint64> startsMs;
    int contexts = 0;
    bool passwordField = false;

    void run(const QStringList& lines)
    {
        ActionAggregator aggregator(
            1000, 500,
            [this](const RawInput&, bool) {
                ++contexts;
                ActionAggregator::Context context;
                context.textWithheld = passwordField;
                context.withheldReason = QStringLiteral("typed %1 characters into a password field");
                return context;
            },
            [this](v1::GuiAction& action, qint64 startNs) {
                actions << describe(action);
                startsMs << (startNs - kStart) / kMs;
            });
        qint64 now = kStart;
        int x = 0;
        int y = 0;
        for (const QString& line : lines) {
            const QStringList words = line.split(QLatin1Char(' '));
            const auto point = [&](const QString& text) {
                const QStringList xy = text.split(QLatin1Char(','));
                x = xy.at(0).toInt();
                y = xy.at(1).toInt();
            };
            RawInput input;
            if (words.at(0).startsWith(QLatin1Char('@'))) {
                now = kStart + words.at(0).mid(1).toLongLong() * kMs;
                aggregator.advanceTo(now);
                continue;
            }
            if (words.at(0) == QLatin1String("focus")) {
                aggregator.focusChanged();
                continue;
            }
            if (words.at(0) == QLatin1String("password")) {
                passwordField = words.at(1) == QLatin1String("on");
                continue;
            }
            if (words.at(0) == QLatin1String("down") || words.at(0) == QLatin1String("up") ||
                words.at(0) == QLatin1String("wheel")) {
                input.type =
                    words.at(0) == QLatin1String("up") ? RawInput::Type::ButtonRelease : RawInput::Type::ButtonPress;
                input.button = words.at(1).toInt();
                point(words.at(2));
            } else {
                input.type = RawInput::Type::KeyPress;
                QStringList parts = words.at(1).split(QLatin1Char('+'));
                input.keyName = parts.takeLast();
                input.control = parts.contains(QLatin1String("ctrl"));
                input.alt = parts.contains(QLatin1String("alt"));
                input.shift = parts.contains(QLatin1String("shift"));
                input.super = parts.contains(QLatin1String("super"));
                input.isModifier = input.keyName.startsWith(QLatin1String("Shift_")) ||
                                   input.keyName.startsWith(QLatin1String("Control_"));
                if (input.keyName == QLatin1String("space"))
                    input.text = QStringLiteral(" ");
                else if (input.keyName.size() == 1)
                    input.text = input.keyName;
                else if (input.keyName == QLatin1String("Return"))
                    input.text = QStringLiteral("\r");
                else if (input.keyName == QLatin1String("BackSpace"))
                    input.text = QStringLiteral("\b");
            }
            input.timeNs = now;
            input.x = x;
            input.y = y;
            aggregator.add(input);
            if (input.type == RawInput::Type::ButtonPress && input.button >= 4) {
                RawInput release = input;
                release.type = RawInput::Type::ButtonRelease;
                aggregator.add(release);
            }
        }
        aggregator.flush();
    }
};

} // namespace

class TestActionAggregator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void actions_data()
    {
        QTest::addColumn<QStringList>("script");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("unusedContexts");

        QTest::newRow("one click, finished after the double-click time")
            << list({"down 1 100,50", "@40", "up 1 101,50", "@500"}) << list({"click 100,50"}) << 0;
        QTest::newRow("double click") << list({"down 1 100,50", "@50", "up 1 100,50", "@150", "down 1 102,51", "@200",
                                               "up 1 102,51"})
                                      << list({"double_click 100,50"}) << 0;
        QTest::newRow("triple click is done at the third release")
            << list({"down 1 5,5", "up 1 5,5", "@100", "down 1 5,5", "up 1 5,5", "@200", "down 1 5,5", "up 1 5,5",
                     "@250", "down 1 5,5", "up 1 5,5"})
            << list({"triple_click 5,5", "click 5,5"}) << 0;
        QTest::newRow("two clicks too far apart in time")
            << list({"down 1 100,50", "up 1 100,50", "@450", "down 1 100,50", "up 1 100,50"})
            << list({"click 100,50", "click 100,50"}) << 0;
        QTest::newRow("two quick clicks in different places")
            << list({"down 1 100,50", "up 1 100,50", "@100", "down 1 300,50", "up 1 300,50"})
            << list({"click 100,50", "click 300,50"}) << 0;
        QTest::newRow("right and middle clicks")
            << list({"down 3 10,10", "up 3 10,10", "@50", "down 3 10,10", "up 3 10,10", "down 2 20,20", "up 2 20,20"})
            << list({"right_click 10,10", "right_click 10,10", "middle_click 20,20"}) << 0;
        QTest::newRow("drag") << list({"down 1 100,100", "@300", "up 1 400,250"}) << list({"drag 100,100 → 400,250"})
                              << 0;
        QTest::newRow("a tremble is still a click")
            << list({"down 1 100,100", "up 1 103,98"}) << list({"click 100,100"}) << 0;
        QTest::newRow("scroll coalesced by direction")
            << list({"wheel 5 50,60", "@100", "wheel 5 50,60", "@200", "wheel 5 50,60", "@300", "wheel 4 50,60"})
            << list({"scroll 50,60 down×3", "scroll 50,60 up×1"}) << 0;
        QTest::newRow("scroll pause splits") << list({"wheel 5 50,60", "@700", "wheel 5 50,60"})
                                             << list({"scroll 50,60 down×1", "scroll 50,60 down×1"}) << 0;
        QTest::newRow("typing until Enter") << list({"key h", "key i", "key space", "key shift+T", "key Return"})
                                            << list({"type 0,0 'hi T'", "key 0,0 Return"}) << 0;
        QTest::newRow("backspace corrects the run")
            << list({"key c", "key a", "key t", "key BackSpace", "key r", "key Tab"})
            << list({"type 0,0 'car'", "key 0,0 Tab"}) << 0;
        QTest::newRow("backspace with nothing typed is a key")
            << list({"key BackSpace"}) << list({"key 0,0 BackSpace"}) << 0;
        QTest::newRow("typed and erased is nothing")
            << list({"key x", "key BackSpace", "key Escape"}) << list({"key 0,0 Escape"}) << 1;
        QTest::newRow("a pause splits typing")
            << list({"key a", "@2500", "key b"}) << list({"type 0,0 'a'", "type 0,0 'b'"}) << 0;
        QTest::newRow("focus change splits typing")
            << list({"key a", "focus", "key b"}) << list({"type 0,0 'a'", "type 0,0 'b'"}) << 0;
        QTest::newRow("a click ends typing, then clicks")
            << list({"key o", "key k", "down 1 9,9", "up 1 9,9"}) << list({"type 0,0 'ok'", "click 9,9"}) << 0;
        QTest::newRow("typing ends a waiting click")
            << list({"down 1 9,9", "up 1 9,9", "@10", "key z"}) << list({"click 9,9", "type 9,9 'z'"}) << 0;
        QTest::newRow("hotkeys, modifiers alone are nothing")
            << list({"key Control_L", "key ctrl+s", "key Shift_L", "key ctrl+shift+T", "key alt+Tab"})
            << list({"hotkey 0,0 ctrl+s", "hotkey 0,0 ctrl+shift+t", "hotkey 0,0 alt+Tab"}) << 0;
        QTest::newRow("hotkey in the middle of typing")
            << list({"key a", "key ctrl+a", "key b"}) << list({"type 0,0 'a'", "hotkey 0,0 ctrl+a", "type 0,0 'b'"})
            << 0;
        QTest::newRow("keys that type nothing") << list({"key Left", "key F5", "key Delete"})
                                                << list({"key 0,0 Left", "key 0,0 F5", "key 0,0 Delete"}) << 0;
        QTest::newRow("non-ASCII text") << list({"key é", "key t", "key é"}) << list({"type 0,0 'été'"}) << 0;
        QTest::newRow("password field: only the count")
            << list({"password on", "key s", "key 3", "key c", "key BackSpace", "key r", "key Return"})
            << list({"type 0,0 [typed 3 characters into a password field]", "key 0,0 Return"}) << 0;
        QTest::newRow("wheel while dragging is ignored")
            << list({"down 1 10,10", "wheel 5 10,10", "up 1 200,10"}) << list({"drag 10,10 → 200,10"}) << 0;
    }
    void actions()
    {
        QFETCH(QStringList, script);
        QFETCH(QStringList, expected);
        QFETCH(int, unusedContexts);
        Script run;
        run.run(script);
        QCOMPARE(run.actions, expected);
        // Each action asked once for its context (window, element, keyframe).
        QCOMPARE(run.contexts, expected.size() + unusedContexts);
    }

    void timesAndCoordinates()
    {
        std::vector<v1::GuiAction> actions;
        std::vector<qint64> starts;
        int contextCalls = 0;
        ActionAggregator aggregator(
            2000, 1000,
            [&](const RawInput& input, bool pointer) {
                ++contextCalls;
                ActionAggregator::Context context;
                context.action.set_window_x(input.x - 100);
                context.action.set_window_y(pointer ? input.y - 50 : -1);
                return context;
            },
            [&](v1::GuiAction& action, qint64 startNs) {
                actions.push_back(action);
                starts.push_back(startNs);
            });
        aggregator.add(button(RawInput::Type::ButtonPress, kStart + 10 * kMs, 500, 250));
        aggregator.add(button(RawInput::Type::ButtonRelease, kStart + 260 * kMs, 1500, 750));
        QCOMPARE(actions.size(), size_t(1));
        const v1::GuiAction& drag = actions.front();
        QCOMPARE(drag.kind(), v1::GuiAction::KIND_DRAG);
        QCOMPARE(drag.norm_x(), 0.25);
        QCOMPARE(drag.norm_y(), 0.25);
        QCOMPARE(drag.norm_end_x(), 0.75);
        QCOMPARE(drag.norm_end_y(), 0.75);
        QCOMPARE(drag.screen_width(), 2000u);
        QCOMPARE(drag.duration_ms(), 250);
        // The context is the one of the press (the window under the pointer then).
        QCOMPARE(drag.window_x(), 400);
        QCOMPARE(drag.window_y(), 200);
        QCOMPARE(starts.front(), kStart + 10 * kMs);

        // A waiting click has a deadline; advancing past it finishes the click.
        aggregator.add(button(RawInput::Type::ButtonPress, kStart + 1000 * kMs, 10, 10));
        aggregator.add(button(RawInput::Type::ButtonRelease, kStart + 1050 * kMs, 10, 10));
        QVERIFY(aggregator.deadline().has_value());
        QVERIFY(*aggregator.deadline() > kStart + 1050 * kMs + ActionAggregator::kMultiClickMs * kMs);
        aggregator.advanceTo(*aggregator.deadline() - 2);
        QCOMPARE(actions.size(), size_t(1));
        aggregator.advanceTo(*aggregator.deadline());
        QCOMPARE(actions.size(), size_t(2));
        QCOMPARE(actions.back().kind(), v1::GuiAction::KIND_CLICK);
        QVERIFY(!aggregator.deadline().has_value());
        QCOMPARE(contextCalls, 2);
    }
};

QTEST_GUILESS_MAIN(TestActionAggregator)
#include "TestActionAggregator.moc"
