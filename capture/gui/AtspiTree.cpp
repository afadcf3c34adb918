// Built with QT_NO_KEYWORDS (see capture/CMakeLists.txt): GLib's headers use `signals`
// as a name.
#include "capture/gui/AtspiTree.h"

#include <algorithm>

namespace trailmark::capture::atspi {
namespace {

constexpr int kMaxPathParts = 10;

} // namespace

QString takeString(gchar* text)
{
    QString result = QString::fromUtf8(text ? text : "");
    g_free(text);
    return result;
}

QString roleName(AtspiAccessible* accessible)
{
    Error error;
    return takeString(atspi_accessible_get_role_name(accessible, error.out()));
}

QString nameOf(AtspiAccessible* accessible)
{
    Error error;
    return takeString(atspi_accessible_get_name(accessible, error.out()));
}

qint64 pidOf(AtspiAccessible* accessible)
{
    Error error;
    const guint pid = atspi_accessible_get_process_id(accessible, error.out());
    return error.failed() ? 0 : static_cast<qint64>(pid);
}

bool hasState(AtspiAccessible* accessible, AtspiStateType state)
{
    Ref<AtspiStateSet> states(atspi_accessible_get_state_set(accessible));
    return states && atspi_state_set_contains(states.get(), state);
}

QStringList statesOf(AtspiAccessible* accessible)
{
    Ref<AtspiStateSet> states(atspi_accessible_get_state_set(accessible));
    if (!states)
        return {};
    static const std::pair<AtspiStateType, const char*> named[] = {
        {ATSPI_STATE_FOCUSED, "focused"},
        {ATSPI_STATE_CHECKED, "checked"},
        {ATSPI_STATE_INDETERMINATE, "indeterminate"},
        {ATSPI_STATE_PRESSED, "pressed"},
        {ATSPI_STATE_SELECTED, "selected"},
        {ATSPI_STATE_EXPANDED, "expanded"},
        {ATSPI_STATE_EDITABLE, "editable"},
        {ATSPI_STATE_MULTI_LINE, "multi-line"},
    };
    QStringList result;
    for (const auto& [state, name] : named) {
        if (atspi_state_set_contains(states.get(), state))
            result << QLatin1String(name);
    }
    if (!atspi_state_set_contains(states.get(), ATSPI_STATE_ENABLED) &&
        !atspi_state_set_contains(states.get(), ATSPI_STATE_SENSITIVE))
        result << QStringLiteral("disabled");
    return result;
}

QString describePart(AtspiAccessible* accessible)
{
    const QString role = roleName(accessible);
    const QString name = nameOf(accessible);
    return name.isEmpty() ? role : QStringLiteral("%1 '%2'").arg(role, name);
}

// The chain from the element's window down to it.
QString pathOf(AtspiAccessible* element)
{
    QStringList parts;
    Ref<AtspiAccessible> current(static_cast<AtspiAccessible*>(g_object_ref(element)));
    for (int depth = 0; current && depth < kMaxDepth; ++depth) {
        Error error;
        const AtspiRole role = atspi_accessible_get_role(current.get(), error.out());
        if (error.failed() || role == ATSPI_ROLE_APPLICATION || role == ATSPI_ROLE_DESKTOP_FRAME)
            break;
        parts.prepend(describePart(current.get()));
        current = Ref<AtspiAccessible>(atspi_accessible_get_parent(current.get(), error.out()));
    }
    if (parts.size() > kMaxPathParts) {
        // The window and the innermost parts say where it is; the middle is layout.
        parts = QStringList{parts.first(), QStringLiteral("…")} + parts.mid(parts.size() - (kMaxPathParts - 2));
    }
    return parts.join(QStringLiteral(" > "));
}

// The element's bounds on the screen (left at 0 when it has none).
void readBounds(AtspiAccessible* accessible, UiElement& element)
{
    Ref<AtspiComponent> component(atspi_accessible_get_component_iface(accessible));
    if (!component)
        return;
    Error error;
    if (AtspiRect* rect = atspi_component_get_extents(component.get(), ATSPI_COORD_TYPE_SCREEN, error.out())) {
        element.x = rect->x;
        element.y = rect->y;
        element.width = rect->width;
        element.height = rect->height;
        g_free(rect);
    }
}

UiElement describe(AtspiAccessible* accessible)
{
    UiElement element;
    element.role = roleName(accessible);
    element.name = nameOf(accessible);
    Error error;
    element.description = takeString(atspi_accessible_get_description(accessible, error.out()));
    element.states = statesOf(accessible);
    readBounds(accessible, element);
    if (Ref<AtspiAccessible> app{atspi_accessible_get_application(accessible, error.out())})
        element.app = nameOf(app.get());
    element.pid = pidOf(accessible);
    element.path = pathOf(accessible);
    return element;
}

// The nearest element at or above this one that a wheel scrolls; null when none is
// below the window.
Ref<AtspiAccessible> scrollableAncestor(AtspiAccessible* element)
{
    static const AtspiRole scrollable[] = {
        ATSPI_ROLE_LIST,           ATSPI_ROLE_LIST_BOX,    ATSPI_ROLE_TABLE,         ATSPI_ROLE_TREE,
        ATSPI_ROLE_TREE_TABLE,     ATSPI_ROLE_SCROLL_PANE, ATSPI_ROLE_DOCUMENT_TEXT, ATSPI_ROLE_DOCUMENT_WEB,
        ATSPI_ROLE_DOCUMENT_FRAME, ATSPI_ROLE_TERMINAL,    ATSPI_ROLE_VIEWPORT,      ATSPI_ROLE_CANVAS,
    };
    Ref<AtspiAccessible> current(static_cast<AtspiAccessible*>(g_object_ref(element)));
    for (int depth = 0; current && depth < kMaxDepth; ++depth) {
        Error error;
        const AtspiRole role = atspi_accessible_get_role(current.get(), error.out());
        if (error.failed() || role == ATSPI_ROLE_FRAME || role == ATSPI_ROLE_WINDOW || role == ATSPI_ROLE_DIALOG ||
            role == ATSPI_ROLE_APPLICATION)
            return {};
        if (std::find(std::begin(scrollable), std::end(scrollable), role) != std::end(scrollable))
            return current;
        current = Ref<AtspiAccessible>(atspi_accessible_get_parent(current.get(), error.out()));
    }
    return {};
}

// The applications on the registry, each with its pid.
std::vector<std::pair<Ref<AtspiAccessible>, qint64>> applications()
{
    std::vector<std::pair<Ref<AtspiAccessible>, qint64>> result;
    Ref<AtspiAccessible> desktop(atspi_get_desktop(0));
    if (!desktop)
        return result;
    Error error;
    const gint count = atspi_accessible_get_child_count(desktop.get(), error.out());
    for (gint i = 0; i < count; ++i) {
        Ref<AtspiAccessible> app(atspi_accessible_get_child_at_index(desktop.get(), i, error.out()));
        if (!app)
            continue;
        const qint64 pid = pidOf(app.get());
        result.emplace_back(std::move(app), pid);
    }
    return result;
}

// The text an alert shows: the names of its labels (and of text it holds), in order.
void collectText(AtspiAccessible* accessible, int depth, QStringList& lines, int& visited)
{
    if (depth > 8 || ++visited > 60)
        return;
    Error error;
    const AtspiRole role = atspi_accessible_get_role(accessible, error.out());
    if (role == ATSPI_ROLE_LABEL || role == ATSPI_ROLE_STATIC || role == ATSPI_ROLE_TEXT ||
        role == ATSPI_ROLE_PARAGRAPH) {
        const QString name = nameOf(accessible);
        if (!name.isEmpty() && !lines.contains(name))
            lines << name;
    }
    const gint children = atspi_accessible_get_child_count(accessible, error.out());
    for (gint i = 0; i < children && i < 40; ++i) {
        if (Ref<AtspiAccessible> child{atspi_accessible_get_child_at_index(accessible, i, error.out())})
            collectText(child.get(), depth + 1, lines, visited);
    }
}

// Every element of a (small) window that has bounds, with its path, for hit tests
// after the window is gone.
void snapshot(AtspiAccessible* accessible, const QString& parentPath, int depth, std::vector<UiElement>& out)
{
    if (depth > 8 || out.size() > 80)
        return;
    UiElement element;
    element.role = roleName(accessible);
    element.name = nameOf(accessible);
    element.path =
        parentPath.isEmpty() ? describePart(accessible) : parentPath + QStringLiteral(" > ") + describePart(accessible);
    element.states = statesOf(accessible);
    element.pid = pidOf(accessible);
    Error error;
    readBounds(accessible, element);
    if (element.width > 0 && element.height > 0)
        out.push_back(element);
    const gint children = atspi_accessible_get_child_count(accessible, error.out());
    for (gint i = 0; i < children && i < 40; ++i) {
        if (Ref<AtspiAccessible> child{atspi_accessible_get_child_at_index(accessible, i, error.out())})
            snapshot(child.get(), element.path, depth + 1, out);
    }
}

// The element with the keyboard focus below this one (depth first, bounded: a big
// document has thousands of nodes, and the focus is found long before).
Ref<AtspiAccessible> findFocused(AtspiAccessible* accessible, int depth, int& visited)
{
    constexpr int kMaxVisited = 400;
    if (depth > kMaxDepth || ++visited > kMaxVisited)
        return {};
    Ref<AtspiStateSet> states(atspi_accessible_get_state_set(accessible));
    // (The application itself is never "showing"; its windows and their parts are.)
    if (depth > 0 && (!states || !atspi_state_set_contains(states.get(), ATSPI_STATE_SHOWING)))
        return {};
    if (states && atspi_state_set_contains(states.get(), ATSPI_STATE_FOCUSED))
        return Ref<AtspiAccessible>(static_cast<AtspiAccessible*>(g_object_ref(accessible)));
    Error error;
    const gint children = atspi_accessible_get_child_count(accessible, error.out());
    for (gint i = 0; i < children && i < 200; ++i) {
        Ref<AtspiAccessible> child(atspi_accessible_get_child_at_index(accessible, i, error.out()));
        if (!child)
            continue;
        if (Ref<AtspiAccessible> found = findFocused(child.get(), depth + 1, visited))
            return found;
    }
    return {};
}

} // namespace trailmark::capture::atspi
