#include "capture/x11/X11Display.h"

#include <QFile>
#include <QSysInfo>

#include <spdlog/spdlog.h>
#include <xcb/res.h>
#include <xcb/xcb_icccm.h>

#include <cstdlib>

namespace trailmark::capture {
namespace {

// xcb hands out malloc'ed replies; this frees them at scope exit.
struct FreeDeleter
{
    void operator()(void* pointer) const { std::free(pointer); }
};
template <typename T> using Reply = std::unique_ptr<T, FreeDeleter>;

// COMPOUND_TEXT (ISO 2022) as best we can without Xlib's converters: plain text is
// ISO 8859-1; the "ESC % G" segments that modern clients use hold UTF-8. Other
// character-set switches are dropped with their escape sequence.
QString decodeCompoundText(const QByteArray& bytes)
{
    QString result;
    bool utf8 = false;
    QByteArray segment;
    const auto flush = [&] {
        result += utf8 ? QString::fromUtf8(segment) : QString::fromLatin1(segment);
        segment.clear();
    };
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes.at(i);
        if (c != '\x1b') {
            segment.append(c);
            continue;
        }
        flush();
        if (i + 2 < bytes.size() && bytes.at(i + 1) == '%') {
            utf8 = bytes.at(i + 2) == 'G';
            i += 2;
            continue;
        }
        // Skip the escape sequence: intermediate bytes 0x20-0x2F, then one final byte.
        ++i;
        while (i < bytes.size() && bytes.at(i) >= 0x20 && bytes.at(i) <= 0x2f)
            ++i;
    }
    flush();
    return result;
}

} // namespace

std::unique_ptr<X11Display> X11Display::connect(QString* error)
{
    const QByteArray displayName = qgetenv("DISPLAY");
    if (displayName.isEmpty()) {
        *error = QStringLiteral("DISPLAY is not set: no X server to watch");
        return nullptr;
    }
    std::unique_ptr<X11Display> display(new X11Display);
    display->m_name = QString::fromLocal8Bit(displayName);
    int screenNumber = 0;
    display->m_connection = xcb_connect(displayName.constData(), &screenNumber);
    if (const int code = xcb_connection_has_error(display->m_connection)) {
        *error = QStringLiteral("cannot connect to the X server on DISPLAY=%1 (xcb error %2)")
                     .arg(display->m_name)
                     .arg(code);
        return nullptr;
    }
    xcb_screen_iterator_t screens = xcb_setup_roots_iterator(xcb_get_setup(display->m_connection));
    for (int i = 0; i < screenNumber && screens.rem > 0; ++i)
        xcb_screen_next(&screens);
    if (screens.rem == 0) {
        *error = QStringLiteral("X server on DISPLAY=%1 has no screen %2").arg(display->m_name).arg(screenNumber);
        return nullptr;
    }
    display->m_screen = screens.data;

    xcb_intern_atom_cookie_t* atomCookies = xcb_ewmh_init_atoms(display->m_connection, &display->m_ewmh);
    if (xcb_ewmh_init_atoms_replies(&display->m_ewmh, atomCookies, nullptr) == 0) {
        *error = QStringLiteral("X server on DISPLAY=%1 did not answer the atom requests").arg(display->m_name);
        return nullptr;
    }
    display->m_ewmhInitialised = true;
    static constexpr char kCompoundText[] = "COMPOUND_TEXT";
    Reply<xcb_intern_atom_reply_t> compound(xcb_intern_atom_reply(
        display->m_connection, xcb_intern_atom(display->m_connection, 0, sizeof kCompoundText - 1, kCompoundText),
        nullptr));
    if (compound)
        display->m_compoundText = compound->atom;

    // X-Resource 1.2 answers "which pid created this window" for local clients.
    const xcb_query_extension_reply_t* res = xcb_get_extension_data(display->m_connection, &xcb_res_id);
    if (res != nullptr && res->present) {
        Reply<xcb_res_query_version_reply_t> version(xcb_res_query_version_reply(
            display->m_connection, xcb_res_query_version(display->m_connection, 1, 2), nullptr));
        display->m_hasXRes =
            version && (version->server_major > 1 || (version->server_major == 1 && version->server_minor >= 2));
    }
    display->m_hostName = QSysInfo::machineHostName();
    return display;
}

X11Display::~X11Display()
{
    if (m_ewmhInitialised)
        xcb_ewmh_connection_wipe(&m_ewmh);
    if (m_connection != nullptr)
        xcb_disconnect(m_connection);
}

xcb_window_t X11Display::activeWindow()
{
    xcb_window_t window = XCB_WINDOW_NONE;
    xcb_generic_error_t* error = nullptr;
    if (xcb_ewmh_get_active_window_reply(&m_ewmh, xcb_ewmh_get_active_window(&m_ewmh, 0), &window, &error) == 0)
        window = XCB_WINDOW_NONE;
    std::free(error);
    return window;
}

std::optional<QString> X11Display::windowManagerName()
{
    xcb_window_t check = XCB_WINDOW_NONE;
    if (xcb_ewmh_get_supporting_wm_check_reply(&m_ewmh, xcb_ewmh_get_supporting_wm_check(&m_ewmh, root()), &check,
                                               nullptr) == 0 ||
        check == XCB_WINDOW_NONE)
        return std::nullopt;
    // A stale property from a window manager that died points at a window that no
    // longer exists or no longer points back.
    xcb_window_t self = XCB_WINDOW_NONE;
    if (xcb_ewmh_get_supporting_wm_check_reply(&m_ewmh, xcb_ewmh_get_supporting_wm_check(&m_ewmh, check), &self,
                                               nullptr) == 0 ||
        self != check)
        return std::nullopt;
    xcb_ewmh_get_utf8_strings_reply_t name{};
    if (xcb_ewmh_get_wm_name_reply(&m_ewmh, xcb_ewmh_get_wm_name(&m_ewmh, check), &name, nullptr) == 0)
        return QString();
    QString result = QString::fromUtf8(name.strings, static_cast<qsizetype>(name.strings_len));
    xcb_ewmh_get_utf8_strings_reply_wipe(&name);
    return result;
}

QString X11Display::decodeTextProperty(xcb_atom_t encoding, const char* data, int length) const
{
    const QByteArray bytes(data, length);
    if (encoding == m_ewmh.UTF8_STRING)
        return QString::fromUtf8(bytes);
    if (encoding == m_compoundText && m_compoundText != XCB_ATOM_NONE)
        return decodeCompoundText(bytes);
    // STRING is ISO 8859-1 by ICCCM; unknown types are treated the same, since every
    // byte sequence decodes and nothing is lost.
    return QString::fromLatin1(bytes);
}

std::optional<QString> X11Display::title(xcb_window_t window)
{
    const xcb_get_property_cookie_t netName = xcb_ewmh_get_wm_name(&m_ewmh, window);
    const xcb_get_property_cookie_t plainName = xcb_icccm_get_wm_name(m_connection, window);

    xcb_ewmh_get_utf8_strings_reply_t utf8{};
    xcb_generic_error_t* error = nullptr;
    const bool haveNetName = xcb_ewmh_get_wm_name_reply(&m_ewmh, netName, &utf8, &error) != 0;
    const bool vanished = error != nullptr;
    std::free(error);
    error = nullptr;
    xcb_icccm_get_text_property_reply_t plain{};
    const bool havePlainName = xcb_icccm_get_wm_name_reply(m_connection, plainName, &plain, &error) != 0;
    std::free(error);
    if (vanished) {
        if (havePlainName)
            xcb_icccm_get_text_property_reply_wipe(&plain);
        if (haveNetName)
            xcb_ewmh_get_utf8_strings_reply_wipe(&utf8);
        return std::nullopt;
    }
    QString result;
    // An empty _NET_WM_NAME is what some toolkits leave while the title is only in WM_NAME.
    if (haveNetName && utf8.strings_len > 0)
        result = QString::fromUtf8(utf8.strings, static_cast<qsizetype>(utf8.strings_len));
    else if (havePlainName)
        result = decodeTextProperty(plain.encoding, plain.name, static_cast<int>(plain.name_len));
    if (haveNetName)
        xcb_ewmh_get_utf8_strings_reply_wipe(&utf8);
    if (havePlainName)
        xcb_icccm_get_text_property_reply_wipe(&plain);
    return result;
}

qint64 X11Display::pidFromServer(xcb_window_t window)
{
    if (!m_hasXRes)
        return 0;
    xcb_res_client_id_spec_t spec{window, XCB_RES_CLIENT_ID_MASK_LOCAL_CLIENT_PID};
    Reply<xcb_res_query_client_ids_reply_t> reply(
        xcb_res_query_client_ids_reply(m_connection, xcb_res_query_client_ids(m_connection, 1, &spec), nullptr));
    if (!reply)
        return 0;
    for (auto it = xcb_res_query_client_ids_ids_iterator(reply.get()); it.rem > 0; xcb_res_client_id_value_next(&it)) {
        if ((it.data->spec.mask & XCB_RES_CLIENT_ID_MASK_LOCAL_CLIENT_PID) != 0 &&
            xcb_res_client_id_value_value_length(it.data) >= 1)
            return *xcb_res_client_id_value_value(it.data);
    }
    return 0;
}

std::optional<X11WindowInfo> X11Display::windowInfo(xcb_window_t window)
{
    // All requests first, then the replies: one round trip instead of four.
    const xcb_get_property_cookie_t classCookie = xcb_icccm_get_wm_class(m_connection, window);
    const xcb_get_property_cookie_t pidCookie = xcb_ewmh_get_wm_pid(&m_ewmh, window);
    const xcb_get_property_cookie_t machineCookie = xcb_icccm_get_wm_client_machine(m_connection, window);

    X11WindowInfo info;
    info.window = window;
    bool vanished = false;
    xcb_generic_error_t* error = nullptr;
    xcb_icccm_get_wm_class_reply_t wmClass{};
    if (xcb_icccm_get_wm_class_reply(m_connection, classCookie, &wmClass, &error) != 0) {
        // WM_CLASS is two NUL-terminated strings; xcb checks the first, not the second.
        info.appInstance = QString::fromLatin1(wmClass.instance_name);
        info.appClass = QString::fromLatin1(wmClass.class_name);
        xcb_icccm_get_wm_class_reply_wipe(&wmClass);
    }
    vanished |= error != nullptr;
    std::free(error);
    error = nullptr;
    uint32_t pid = 0;
    const bool havePid = xcb_ewmh_get_wm_pid_reply(&m_ewmh, pidCookie, &pid, &error) != 0;
    vanished |= error != nullptr;
    std::free(error);
    error = nullptr;
    xcb_icccm_get_text_property_reply_t machine{};
    QString machineName;
    if (xcb_icccm_get_wm_client_machine_reply(m_connection, machineCookie, &machine, &error) != 0) {
        machineName = QString::fromLatin1(machine.name, static_cast<qsizetype>(machine.name_len));
        xcb_icccm_get_text_property_reply_wipe(&machine);
    }
    vanished |= error != nullptr;
    std::free(error);
    if (vanished)
        return std::nullopt;

    const auto title = this->title(window);
    if (!title)
        return std::nullopt;
    info.title = *title;

    // A pid from another machine (ssh -X) means nothing here.
    const bool remote = !machineName.isEmpty() && machineName != m_hostName &&
                        machineName.section(QLatin1Char('.'), 0, 0) != m_hostName.section(QLatin1Char('.'), 0, 0);
    if (havePid && pid != 0 && !remote)
        info.pid = pid;
    else if (!remote)
        info.pid = pidFromServer(window);
    if (info.pid > 0)
        info.exe = QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(info.pid));
    return info;
}

} // namespace trailmark::capture
