#include "GoldenSessions.h"

#include "SessionScript.h"
#include "store/Store.h"

namespace trailmark::test {
namespace {

// 2026-01-01T00:00:00Z: every session of the set starts at a fixed time after it.
constexpr qint64 kDay = 86'400LL * 1'000'000'000;
constexpr qint64 kNewYear = 1'767'225'600'000'000'000;

// The 1x1 PNG of createMessySession: a keyframe the GUI session's actions point at.
QByteArray keyframePng()
{
    return QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
        "rkJggg==");
}

QString createSession(store::Store& store, const char* task, qint64 startNs)
{
    v1::Session session;
    session.set_task(task);
    session.set_expert("ada");
    session.set_host("workstation");
    session.set_platform("linux-x11");
    session.set_started_ns(startNs);
    session.set_state(v1::Session::STATE_FINISHED);
    QString error;
    if (!store.createSession(session, &error))
        qWarning("cannot create session: %s", qPrintable(error));
    return QString::fromStdString(session.id());
}

v1::Event guiAction(v1::GuiAction::Kind kind, int x, int y, const char* role, const char* name,
                    const QByteArray& keyframe)
{
    v1::Event event;
    v1::GuiAction* body = event.mutable_gui_action();
    body->set_kind(kind);
    body->set_x(x);
    body->set_y(y);
    body->set_screen_width(1000);
    body->set_screen_height(500);
    body->set_norm_x(x / 1000.0);
    body->set_norm_y(y / 500.0);
    body->set_app_class("gedit");
    body->set_window_title("notes.txt - gedit");
    body->set_pid(4242);
    body->set_element_status(v1::GuiAction::ELEMENT_STATUS_FOUND);
    body->set_element_role(role);
    body->set_element_name(name);
    body->set_element_path(std::string("frame/panel/") + role);
    body->set_element_x(x - 20);
    body->set_element_y(y - 10);
    body->set_element_width(40);
    body->set_element_height(20);
    body->set_keyframe_sha256(keyframe.toStdString());
    body->set_keyframe_width(1);
    body->set_keyframe_height(1);
    return event;
}

v1::Event guiAlert(const char* title, const char* text)
{
    v1::Event event;
    v1::GuiAlert* body = event.mutable_gui_alert();
    body->set_role("alert");
    body->set_title(title);
    body->set_text(text);
    body->set_app("gedit");
    body->set_pid(4242);
    return event;
}

// A saved edit of one file, as the edit source stores it (a git-style diff).
v1::Event fileEdit(const char* path, const char* diff, const std::string& commandId = {})
{
    v1::Event event;
    v1::FileEdit* edit = event.mutable_file_edit();
    edit->set_work_tree("/home/ada/src/stock");
    v1::FileChange* change = edit->add_changes();
    change->set_path(path);
    change->set_kind(v1::FileChange::KIND_MODIFIED);
    change->set_size_before(120);
    change->set_size_after(131);
    edit->set_files_changed(1);
    edit->set_diff(diff);
    edit->set_command_id(commandId);
    // With a command: what it wrote as it ran (sed -i), not an editor's save.
    edit->set_command_effects(!commandId.empty());
    if (commandId.empty())
        edit->set_app_class("gedit");
    return event;
}

void addGuiSession(store::Store& store)
{
    const QString id = createSession(store, "save the release notes", kNewYear + 3 * kDay);
    QString error;
    const QByteArray keyframe =
        store.putBlob(keyframePng(), QStringLiteral("image/png"), &error).value_or(QByteArray());
    SessionScript script(store, id, kNewYear + 3 * kDay + 1'000'000'000);
    script.note(QStringLiteral("Goal: save notes.txt where the release script finds it"), v1::Note::KIND_GOAL);
    script.appSwitch(QStringLiteral("Gedit"), QStringLiteral("notes.txt - gedit"));
    v1::Event typed = guiAction(v1::GuiAction::KIND_TYPE, 400, 200, "text", "notes", keyframe);
    typed.mutable_gui_action()->set_text("Release 2.1: faster exports");
    typed.mutable_gui_action()->set_typed_chars(27);
    script.append(typed);
    v1::Event save = guiAction(v1::GuiAction::KIND_HOTKEY, 400, 200, "text", "notes", keyframe);
    save.mutable_gui_action()->set_keys("ctrl+s");
    script.append(save);
    script.append(guiAlert("Error", "Could not save the file: permission denied."));
    script.append(guiAction(v1::GuiAction::KIND_CLICK, 500, 300, "push button", "OK", keyframe));
    script.note(QStringLiteral("the folder is read-only; save to ~/notes instead"));
    script.append(guiAction(v1::GuiAction::KIND_DOUBLE_CLICK, 120, 80, "table cell", "notes", keyframe));
    script.append(guiAction(v1::GuiAction::KIND_CLICK, 310, 42, "push button", "Save", keyframe));
    script.append(guiAlert("Saved", "The file was saved."));
    script.titleChange(QStringLiteral("~/notes/notes.txt - gedit"));
    script.flush();
}

void addEditSession(store::Store& store)
{
    const QString id = createSession(store, "fix the CSV trimming bug", kNewYear + 4 * kDay);
    SessionScript script(store, id, kNewYear + 4 * kDay + 1'000'000'000);
    script.note(QStringLiteral("Goal: tests/test_trim.py passes"), v1::Note::KIND_GOAL);
    script.command("python3 -m pytest tests/test_trim.py", 1,
                   "E   AssertionError: assert ' a' == 'a'\n1 failed in 0.05s\n");
    script.append(fileEdit("stock/csv.py",
                           "diff --git a/stock/csv.py b/stock/csv.py\n--- a/stock/csv.py\n+++ b/stock/csv.py\n"
                           "@@ -3,3 +3,3 @@ def split(line):\n     cells = line.split(',')\n-    return cells\n"
                           "+    return [cell.strip() for cell in cells]\n \n"));
    script.command("python3 -m pytest tests/test_trim.py", 0, "1 passed in 0.04s\n");
    script.startCommand("sed -i 's/TODO/DONE/' CHANGES.md");
    script.append(fileEdit("CHANGES.md",
                           "diff --git a/CHANGES.md b/CHANGES.md\n--- a/CHANGES.md\n+++ b/CHANGES.md\n"
                           "@@ -1,2 +1,2 @@\n # Changes\n-- TODO trim cells\n+- DONE trim cells\n",
                           "cmd-3"));
    v1::Event finished;
    finished.mutable_command_finished()->set_command_id("cmd-3");
    finished.mutable_command_finished()->set_duration_ns(20'000'000);
    script.append(finished);
    v1::Event boundary;
    boundary.mutable_marker()->set_kind(v1::Marker::KIND_TASK_BOUNDARY);
    boundary.mutable_marker()->set_label("release");
    script.append(boundary);
    script.command("git commit -am 'Trim CSV cells'", 0, "[main 1a2b3c4] Trim CSV cells\n 2 files changed\n");
    script.note(QStringLiteral("strip() also removes tabs, which is what the importer wants"),
                v1::Note::KIND_REFLECTION);
    script.flush();
}

void addOtherEndsSession(store::Store& store)
{
    const QString id = createSession(store, "find where totals are rounded", kNewYear + 5 * kDay);
    SessionScript script(store, id, kNewYear + 5 * kDay + 1'000'000'000);
    script.command("grep -rn round_total src/", 1);
    script.advanceMs(3000);
    script.command("npm run dev", 130, "> dev\n> vite\n\n  VITE v5.2.0  ready in 312 ms\n^C", QStringLiteral("shell-A"),
                   95'000);
    script.advanceMs(2000);
    script.startCommand("pytest -k rounding");
    script.flush();
}

void addNotesOnlySession(store::Store& store)
{
    const QString id = createSession(store, "just thinking", kNewYear + 6 * kDay);
    SessionScript script(store, id, kNewYear + 6 * kDay + 1'000'000'000);
    script.note(QStringLiteral("nothing to run yet"));
    script.flush();
}

} // namespace

void createGoldenSessions(store::Store& store)
{
    createMessySession(store, QStringLiteral("make the parser tests pass"), kNewYear, true);
    createMessySession(store, QStringLiteral("second try at the parser"), kNewYear + kDay, false);
    addGuiSession(store);
    addEditSession(store);
    addOtherEndsSession(store);
    addNotesOnlySession(store);
}

} // namespace trailmark::test
