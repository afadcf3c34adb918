#pragma once

// Include with QT_NO_KEYWORDS (see capture/CMakeLists.txt): GLib's headers use `signals`
// as a name.
#include "capture/gui/AccessibilityReader.h"

#include <QString>
#include <QStringList>

#include <atspi/atspi.h>
#include <utility>
#include <vector>

// AT-SPI's tree of accessibles (libatspi) read into UiElements: roles, names, states,
// bounds and paths, the applications on the registry, and the walks through an app's
// windows that AccessibilityReader makes.
namespace trailmark::capture::atspi {

// How far a walk up or down the tree goes.
constexpr int kMaxDepth = 40;

// Owns one GObject reference (accessibles, state sets, components).
template <typename T> class Ref
{
public:
    Ref() = default;
    explicit Ref(T* object)
        : m_object(object)
    {}
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    Ref(Ref&& other) noexcept
        : m_object(std::exchange(other.m_object, nullptr))
    {}
    Ref& operator=(Ref&& other) noexcept
    {
        std::swap(m_object, other.m_object);
        return *this;
    }
    ~Ref()
    {
        if (m_object)
            g_object_unref(m_object);
    }
    T* get() const { return m_object; }
    explicit operator bool() const { return m_object != nullptr; }

private:
    T* m_object = nullptr;
};

// A GError that frees itself; errors from apps that went away are routine.
class Error
{
public:
    Error() = default;
    Error(const Error&) = delete;
    Error& operator=(const Error&) = delete;
    ~Error() { g_clear_error(&m_error); }
    GError** out()
    {
        g_clear_error(&m_error);
        return &m_error;
    }
    bool failed() const { return m_error != nullptr; }
    QString message() const { return m_error ? QString::fromUtf8(m_error->message) : QString(); }

private:
    GError* m_error = nullptr;
};

QString takeString(gchar* text);
QString roleName(AtspiAccessible* accessible);
QString nameOf(AtspiAccessible* accessible);
qint64 pidOf(AtspiAccessible* accessible);
bool hasState(AtspiAccessible* accessible, AtspiStateType state);
QStringList statesOf(AtspiAccessible* accessible);
QString describePart(AtspiAccessible* accessible);
QString pathOf(AtspiAccessible* element);
void readBounds(AtspiAccessible* accessible, UiElement& element);
UiElement describe(AtspiAccessible* accessible);
Ref<AtspiAccessible> scrollableAncestor(AtspiAccessible* element);
std::vector<std::pair<Ref<AtspiAccessible>, qint64>> applications();
void collectText(AtspiAccessible* accessible, int depth, QStringList& lines, int& visited);
void snapshot(AtspiAccessible* accessible, const QString& parentPath, int depth, std::vector<UiElement>& out);
Ref<AtspiAccessible> findFocused(AtspiAccessible* accessible, int depth, int& visited);

} // namespace trailmark::capture::atspi
