#pragma once

#include <QString>
#include <QStringList>

#include <xcb/xcb.h>

namespace trailmark::test {

// Real X clients for the tests: top-level windows made with raw xcb (so the test
// controls exactly which properties exist), and helpers that drive the window manager
// through xdotool as a user's clicks would.
class X11TestClient
{
public:
    X11TestClient();
    ~X11TestClient();
    bool isConnected() const { return m_connection != nullptr; }
    xcb_connection_t* connection() const { return m_connection; }
    xcb_window_t root() const { return m_screen->root; }

    struct WindowSpec
    {
        QString instance;
        QString appClass;
        QByteArray wmName;                // WM_NAME bytes; empty: not set
        QByteArray wmNameType = "STRING"; // "STRING", "UTF8_STRING", "COMPOUND_TEXT"
        QString netWmName;                // _NET_WM_NAME; empty: not set
        qint64 netWmPid = 0;              // _NET_WM_PID; 0: not set
        quint32 background = 0x336699;
        int width = 320;
        int height = 200;
    };
    // Creates, maps and waits until the window manager shows it.
    xcb_window_t createWindow(const WindowSpec& spec);
    void destroyWindow(xcb_window_t window);
    void setWmName(xcb_window_t window, const QByteArray& bytes, const QByteArray& type = "STRING");
    void setNetWmName(xcb_window_t window, const QString& title);
    // Writes _NET_ACTIVE_WINDOW on the root ourselves, as a window manager would.
    void setActiveWindowProperty(xcb_window_t window);
    xcb_atom_t atom(const char* name);
    void sync();

    // xdotool windowactivate --sync: returns when the window manager made it active.
    static bool activate(xcb_window_t window);
    static bool runTool(const QString& program, const QStringList& arguments);

private:
    xcb_connection_t* m_connection = nullptr;
    xcb_screen_t* m_screen = nullptr;
};

} // namespace trailmark::test
