#include "X11TestClient.h"

#include <QEventLoop>
#include <QProcess>
#include <QTest>
#include <QTimer>

#include <cstdlib>
#include <cstring>

namespace trailmark::test {

X11TestClient::X11TestClient()
{
    xcb_connection_t* connection = xcb_connect(nullptr, nullptr);
    if (xcb_connection_has_error(connection) != 0) {
        xcb_disconnect(connection);
        qWarning("no X server: DISPLAY=%s", qgetenv("DISPLAY").constData());
        return;
    }
    m_connection = connection;
    m_screen = xcb_setup_roots_iterator(xcb_get_setup(m_connection)).data;
}

X11TestClient::~X11TestClient()
{
    if (m_connection != nullptr)
        xcb_disconnect(m_connection);
}

xcb_atom_t X11TestClient::atom(const char* name)
{
    xcb_intern_atom_reply_t* reply = xcb_intern_atom_reply(
        m_connection, xcb_intern_atom(m_connection, 0, static_cast<uint16_t>(std::strlen(name)), name), nullptr);
    const xcb_atom_t result = reply != nullptr ? reply->atom : static_cast<xcb_atom_t>(XCB_ATOM_NONE);
    std::free(reply);
    return result;
}

void X11TestClient::sync()
{
    std::free(xcb_get_input_focus_reply(m_connection, xcb_get_input_focus(m_connection), nullptr));
}

xcb_window_t X11TestClient::createWindow(const WindowSpec& spec)
{
    const xcb_window_t window = xcb_generate_id(m_connection);
    const uint32_t values[] = {spec.background, XCB_EVENT_MASK_EXPOSURE};
    xcb_create_window(m_connection, XCB_COPY_FROM_PARENT, window, root(), 20, 20, static_cast<uint16_t>(spec.width),
                      static_cast<uint16_t>(spec.height), 0, XCB_WINDOW_CLASS_INPUT_OUTPUT, m_screen->root_visual,
                      XCB_CW_BACK_PIXEL | XCB_CW_EVENT_MASK, values);
    const QByteArray wmClass = spec.instance.toLatin1() + '\0' + spec.appClass.toLatin1() + '\0';
    xcb_change_property(m_connection, XCB_PROP_MODE_REPLACE, window, XCB_ATOM_WM_CLASS, XCB_ATOM_STRING, 8,
                        static_cast<uint32_t>(wmClass.size()), wmClass.constData());
    if (!spec.wmName.isEmpty())
        setWmName(window, spec.wmName, spec.wmNameType);
    if (!spec.netWmName.isEmpty())
        setNetWmName(window, spec.netWmName);
    if (spec.netWmPid != 0) {
        const auto pid = static_cast<uint32_t>(spec.netWmPid);
        xcb_change_property(m_connection, XCB_PROP_MODE_REPLACE, window, atom("_NET_WM_PID"), XCB_ATOM_CARDINAL, 32, 1,
                            &pid);
    }
    xcb_map_window(m_connection, window);
    sync();
    // Mapped by the window manager (reparented and shown) before anyone activates it.
    runTool(QStringLiteral("xdotool"),
            {QStringLiteral("search"), QStringLiteral("--sync"), QStringLiteral("--onlyvisible"),
             QStringLiteral("--classname"), QStringLiteral("^%1$").arg(spec.instance)});
    return window;
}

void X11TestClient::destroyWindow(xcb_window_t window)
{
    xcb_destroy_window(m_connection, window);
    sync();
}

void X11TestClient::setWmName(xcb_window_t window, const QByteArray& bytes, const QByteArray& type)
{
    const xcb_atom_t typeAtom = type == "STRING" ? static_cast<xcb_atom_t>(XCB_ATOM_STRING) : atom(type.constData());
    xcb_change_property(m_connection, XCB_PROP_MODE_REPLACE, window, XCB_ATOM_WM_NAME, typeAtom, 8,
                        static_cast<uint32_t>(bytes.size()), bytes.constData());
    sync();
}

void X11TestClient::setNetWmName(xcb_window_t window, const QString& title)
{
    const QByteArray utf8 = title.toUtf8();
    xcb_change_property(m_connection, XCB_PROP_MODE_REPLACE, window, atom("_NET_WM_NAME"), atom("UTF8_STRING"), 8,
                        static_cast<uint32_t>(utf8.size()), utf8.constData());
    sync();
}

void X11TestClient::setActiveWindowProperty(xcb_window_t window)
{
    xcb_change_property(m_connection, XCB_PROP_MODE_REPLACE, root(), atom("_NET_ACTIVE_WINDOW"), XCB_ATOM_WINDOW, 32, 1,
                        &window);
    sync();
}

bool X11TestClient::runTool(const QString& program, const QStringList& arguments)
{
    // The event loop keeps running meanwhile, as it would in a recorder on a desktop:
    // a recorder that is not scheduled while the window manager acts could only ever
    // see the last of several quick changes (X keeps no history of a property).
    QProcess process;
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    process.start(program, arguments);
    loop.exec();
    if (process.state() != QProcess::NotRunning || process.exitStatus() != QProcess::NormalExit ||
        process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("%s %s failed: %s", qPrintable(program), qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAllStandardError().constData());
        return false;
    }
    return true;
}

bool X11TestClient::activate(xcb_window_t window)
{
    return runTool(QStringLiteral("xdotool"),
                   {QStringLiteral("windowactivate"), QStringLiteral("--sync"), QString::number(window)});
}

} // namespace trailmark::test
