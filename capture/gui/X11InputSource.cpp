#include "capture/gui/X11InputSource.h"

#include "capture/gui/AccessibilityReader.h"
#include "capture/gui/X11Keyboard.h"
#include "capture/gui/XcbReply.h"
#include "capture/redact/TerminalWindows.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "capture/screenshot/ScreenGrabber.h"
#include "capture/x11/X11Display.h"
#include "trailmark/v1/event.pb.h"

#include <QDateTime>
#include <QImage>
#include <QSocketNotifier>

#include <spdlog/spdlog.h>
#include <xcb/xinput.h>

#include <cstdlib>
#include <unistd.h>

namespace trailmark::capture {
namespace {

constexpr qint64 kNsPerMs = 1'000'000;
// Server time and our clock part by more than this: the server's clock was reset.
constexpr qint64 kMaxClockSkewNs = 1000 * kNsPerMs;
// How long apps get to register on the accessibility bus after it was turned on.
constexpr int kRegistrationGraceMs = 2000;

bool isTerminal(const v1::GuiAction& action)
{
    return action.element_role() == "terminal" || isTerminalWindowClass(QString::fromStdString(action.app_class()));
}

qint64 nowNs()
{
    return QDateTime::currentMSecsSinceEpoch() * kNsPerMs;
}

struct XInputMask
{
    xcb_input_event_mask_t head;
    uint32_t bits;
};

std::optional<uint8_t> xinputOpcode(xcb_connection_t* connection, QString* error)
{
    const xcb_query_extension_reply_t* extension = xcb_get_extension_data(connection, &xcb_input_id);
    if (!extension || !extension->present) {
        *error = QStringLiteral("the X server has no XInput extension: clicks and keys cannot be seen");
        return std::nullopt;
    }
    Reply<xcb_input_xi_query_version_reply_t> version(
        xcb_input_xi_query_version_reply(connection, xcb_input_xi_query_version(connection, 2, 2), nullptr));
    if (!version || version->major_version < 2) {
        *error = QStringLiteral("the X server's XInput is older than 2.0: clicks and keys cannot be seen");
        return std::nullopt;
    }
    return extension->major_opcode;
}

} // namespace

X11InputSource::X11InputSource(std::unique_ptr<ScreenGrabber> grabber, const WindowExclusionFilter* exclusions,
                               QObject* parent)
    : CaptureSource(parent)
    , m_grabber(std::move(grabber))
    , m_exclusions(exclusions)
    , m_ownPid(static_cast<qint64>(::getpid()))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_aggregator)
            m_aggregator->advanceTo(nowNs());
        armDeadline();
    });
}

X11InputSource::~X11InputSource()
{
    stop();
}

SourceSupport X11InputSource::supportHere() const
{
    if (m_display)
        return {true, {}};
    QString error;
    const auto display = X11Display::connect(&error);
    if (!display || !xinputOpcode(display->connection(), &error))
        return {false, error};
    return {true, {}};
}

bool X11InputSource::start(EventSink& sink, QString* error)
{
    stop();
    m_display = X11Display::connect(error);
    if (!m_display)
        return false;
    const auto opcode = xinputOpcode(m_display->connection(), error);
    if (!opcode) {
        m_display.reset();
        return false;
    }
    m_xinputOpcode = *opcode;
    xcb_connection_t* connection = m_display->connection();
    m_keyboard = std::make_unique<X11Keyboard>();
    if (!m_keyboard->start(connection, error)) {
        m_keyboard.reset();
        m_display.reset();
        return false;
    }
    Reply<xcb_intern_atom_reply_t> wmState(
        xcb_intern_atom_reply(connection, xcb_intern_atom(connection, 0, 8, "WM_STATE"), nullptr));
    m_wmState = wmState ? wmState->atom : xcb_atom_t{XCB_ATOM_NONE};

    // Raw events come from the master devices (their source is the slave: the real
    // keyboard, or XTEST for synthetic input, which we must not filter out).
    XInputMask mask{};
    mask.head.deviceid = XCB_INPUT_DEVICE_ALL_MASTER;
    mask.head.mask_len = 1;
    mask.bits = XCB_INPUT_XI_EVENT_MASK_RAW_KEY_PRESS | XCB_INPUT_XI_EVENT_MASK_RAW_BUTTON_PRESS |
                XCB_INPUT_XI_EVENT_MASK_RAW_BUTTON_RELEASE;
    xcb_input_xi_select_events(connection, m_display->root(), 1, &mask.head);
    xcb_flush(connection);

    m_sink = &sink;
    m_warnedConnectionLost = false;
    m_serverTimeOffsetNs = 0;
    const xcb_screen_t* screen = m_display->screen();
    m_aggregator = std::make_unique<ActionAggregator>(
        screen->width_in_pixels, screen->height_in_pixels,
        [this](const RawInput& input, bool pointerAction) { return contextAt(input, pointerAction); },
        [this](v1::GuiAction& action, qint64 startNs) { deliver(action, startNs); });

    m_accessibility = std::make_unique<AccessibilityReader>();
    QString accessibilityError;
    if (m_accessibility->start(&accessibilityError)) {
        connect(m_accessibility.get(), &AccessibilityReader::focusChanged, this, [this] {
            if (m_aggregator)
                m_aggregator->focusChanged();
            armDeadline();
        });
        connect(m_accessibility.get(), &AccessibilityReader::alertShown, this, &X11InputSource::recordAlert);
        // Apps that follow the accessibility switch (Qt 6, GTK) register within a
        // moment of it; the ones still missing then are the ones to name.
        QTimer::singleShot(kRegistrationGraceMs, this, [this] {
            if (m_accessibility && m_accessibility->isRunning())
                warnAboutInvisibleApps();
        });
    } else {
        spdlog::warn("gui actions: {}", accessibilityError.toStdString());
        Q_EMIT warning(accessibilityError);
    }

    m_notifier = new QSocketNotifier(xcb_get_file_descriptor(connection), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &X11InputSource::processEvents);
    processEvents();
    spdlog::info("gui actions: reading clicks and keys on DISPLAY={}", m_display->name().toStdString());
    return true;
}

void X11InputSource::stop()
{
    // What was pending (a click waiting for a second one, typing) is an action too.
    if (m_aggregator && m_sink && m_display && !m_display->hasError())
        m_aggregator->flush();
    m_deadline.stop();
    delete m_notifier;
    m_notifier = nullptr;
    m_aggregator.reset();
    if (m_accessibility) {
        m_accessibility->stop();
        m_accessibility.reset();
    }
    m_keyboard.reset();
    m_display.reset();
    m_sink = nullptr;
}

void X11InputSource::warnAboutInvisibleApps()
{
    xcb_ewmh_get_windows_reply_t clients{};
    if (!xcb_ewmh_get_client_list_reply(m_display->ewmh(), xcb_ewmh_get_client_list(m_display->ewmh(), 0), &clients,
                                        nullptr))
        return;
    QList<qint64> pids;
    QHash<qint64, QString> names;
    for (uint32_t i = 0; i < clients.windows_len; ++i) {
        const auto info = m_display->windowInfo(clients.windows[i]);
        if (!info || info->pid <= 0 || info->pid == m_ownPid || pids.contains(info->pid))
            continue;
        pids << info->pid;
        names.insert(info->pid, info->appClass.isEmpty() ? info->title : info->appClass);
    }
    xcb_ewmh_get_windows_reply_wipe(&clients);
    QStringList invisible;
    for (const qint64 pid : m_accessibility->notAccessible(pids))
        invisible << QStringLiteral("%1 (pid %2)").arg(names.value(pid)).arg(pid);
    if (invisible.isEmpty())
        return;
    const QString message =
        QStringLiteral("these running apps cannot be read through accessibility (AT-SPI), so their clicks keep "
                       "coordinates only and what is typed into them is withheld%1: %2")
            .arg(m_accessibility->enabledAccessibility()
                     ? QStringLiteral("; accessibility was off when they started, so restart them if they support it")
                     : QString(),
                 invisible.join(QStringLiteral(", ")));
    spdlog::warn("gui actions: {}", message.toStdString());
    Q_EMIT warning(message);
}

qint64 X11InputSource::eventTimeNs(xcb_timestamp_t serverTime)
{
    // Server times are exact between events (a double click, the rhythm of typing) even
    // when we read a burst of them late; the offset ties them to the wall clock.
    const qint64 now = nowNs();
    qint64 time = m_serverTimeOffsetNs + static_cast<qint64>(serverTime) * kNsPerMs;
    if (m_serverTimeOffsetNs == 0 || time > now + kMaxClockSkewNs || time < now - kMaxClockSkewNs) {
        m_serverTimeOffsetNs = now - static_cast<qint64>(serverTime) * kNsPerMs;
        time = now;
    }
    return time;
}

void X11InputSource::processEvents()
{
    if (!m_display)
        return;
    while (xcb_generic_event_t* event = xcb_poll_for_event(m_display->connection())) {
        if (!m_keyboard->handleEvent(event))
            rawEvent(event);
        std::free(event);
        if (!m_display)
            return;
    }
    armDeadline();
    if (m_display->hasError() && !m_warnedConnectionLost) {
        m_warnedConnectionLost = true;
        m_notifier->setEnabled(false);
        const QString message =
            QStringLiteral("lost the connection to the X server on DISPLAY=%1: GUI actions are no longer recorded")
                .arg(m_display->name());
        spdlog::error("gui actions: {}", message.toStdString());
        v1::Event gap;
        gap.mutable_marker()->set_kind(v1::Marker::KIND_GAP);
        gap.mutable_marker()->set_label(QStringLiteral("X display %1 lost: GUI actions not recorded from here")
                                            .arg(m_display->name())
                                            .toStdString());
        QString error;
        if (!m_sink->record(gap, &error))
            spdlog::error("gui actions: cannot record the gap: {}", error.toStdString());
        Q_EMIT warning(message);
    }
}

void X11InputSource::rawEvent(const xcb_generic_event_t* event)
{
    if ((event->response_type & 0x7f) != XCB_GE_GENERIC)
        return;
    const auto* generic = reinterpret_cast<const xcb_ge_generic_event_t*>(event);
    if (generic->extension != m_xinputOpcode)
        return;
    RawInput input;
    xcb_timestamp_t serverTime = 0;
    switch (generic->event_type) {
    case XCB_INPUT_RAW_BUTTON_PRESS:
    case XCB_INPUT_RAW_BUTTON_RELEASE: {
        const auto* raw = reinterpret_cast<const xcb_input_raw_button_press_event_t*>(event);
        input.type = generic->event_type == XCB_INPUT_RAW_BUTTON_PRESS ? RawInput::Type::ButtonPress
                                                                       : RawInput::Type::ButtonRelease;
        input.button = static_cast<int>(raw->detail);
        serverTime = raw->time;
        m_pointer = queryPointer();
        break;
    }
    case XCB_INPUT_RAW_KEY_PRESS: {
        const auto* raw = reinterpret_cast<const xcb_input_raw_key_press_event_t*>(event);
        const X11Keyboard::Key key = m_keyboard->key(raw->detail);
        input.type = RawInput::Type::KeyPress;
        input.keyName = key.name;
        input.text = key.text;
        input.isModifier = key.isModifier;
        input.control = key.control;
        input.alt = key.alt;
        input.super = key.super;
        input.shift = key.shift;
        serverTime = raw->time;
        break;
    }
    default:
        return;
    }
    input.timeNs = eventTimeNs(serverTime);
    input.x = m_pointer.x;
    input.y = m_pointer.y;
    if (!m_sink->accepts(input.timeNs)) {
        // Paused: nothing of this input is kept, not even as part of a later action.
        m_aggregator->flush();
        return;
    }
    m_aggregator->add(input);
}

void X11InputSource::deliver(v1::GuiAction& action, qint64 startNs)
{
    // Trailmark's own windows (its pause button, its note field) are not the expert's work.
    if (action.pid() == m_ownPid)
        return;
    // Keys typed into a terminal are the shell's commands (and what an editor in it was
    // told), which the shell hooks and the edit watcher record with their meaning; as GUI
    // actions they would only repeat each command as withheld keystrokes.
    const bool keyboard = action.kind() == v1::GuiAction::KIND_TYPE || action.kind() == v1::GuiAction::KIND_KEY ||
                          action.kind() == v1::GuiAction::KIND_HOTKEY;
    if (keyboard && isTerminal(action))
        return;
    v1::Event event;
    event.set_time_ns(startNs);
    *event.mutable_gui_action() = std::move(action);
    QString error;
    if (!m_sink->record(event, &error)) {
        spdlog::error("gui actions: cannot record an action: {}", error.toStdString());
        Q_EMIT warning(QStringLiteral("cannot record a GUI action: %1").arg(error));
        return;
    }
    ++m_recorded;
}

void X11InputSource::recordAlert(const UiAlert& alert)
{
    if (!m_sink || alert.pid == m_ownPid || !m_sink->accepts(nowNs()))
        return;
    // What the action led to comes after it: the click that is still waiting for a
    // second one is stored first.
    if (m_aggregator)
        m_aggregator->flush();
    if (m_exclusions) {
        const xcb_window_t active = m_display->activeWindow();
        const auto info = active != XCB_WINDOW_NONE ? m_display->windowInfo(active) : std::nullopt;
        if (m_exclusions->isExcluded({info ? info->appClass : QString(), info ? info->appInstance : QString(),
                                      alert.title, info ? info->exe : QString()}))
            return;
    }
    v1::Event event;
    auto* body = event.mutable_gui_alert();
    body->set_role(alert.role.toStdString());
    body->set_title(alert.title.toStdString());
    body->set_text(alert.text.toStdString());
    body->set_app(alert.app.toStdString());
    body->set_pid(alert.pid);
    QString error;
    if (!m_sink->record(event, &error))
        spdlog::error("gui actions: cannot record a dialog: {}", error.toStdString());
}

void X11InputSource::armDeadline()
{
    if (!m_aggregator)
        return;
    const auto deadline = m_aggregator->deadline();
    if (!deadline) {
        m_deadline.stop();
        return;
    }
    const qint64 waitMs = std::max<qint64>(0, (*deadline - nowNs()) / kNsPerMs + 1);
    m_deadline.start(static_cast<int>(waitMs));
}

} // namespace trailmark::capture
