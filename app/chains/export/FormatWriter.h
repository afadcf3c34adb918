#pragma once

#include "chains/Step.h"
#include "chains/export/ToolStyle.h"

#include <QString>
#include <QStringList>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::v1 {
class Event;
} // namespace trailmark::v1

namespace trailmark::chains {

struct Trajectory;
struct Step;
class JsonWriter;

class SessionCapture;

// A file an exporter appends to, buffered: rows are small and many. On a thread that
// has a SessionCapture installed, write() hands the bytes to that capture instead, which
// passes them on when its session's turn comes (sessions are rendered on several
// threads and written in order).
class OutputFile
{
public:
    OutputFile() = default;
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Creates the file (and its folder) under the export root.
    bool open(const QString& path, QString* error);
    bool isOpen() const { return m_fd >= 0; }
    bool write(std::string_view bytes, QString* error);
    // Lets fill append bytes right where they are going (this file's buffer, or the
    // capture of this thread's session): a row built this way is never copied.
    bool append(const std::function<void(std::string& out)>& fill, QString* error);
    bool close(QString* error);

    // Creates the file, writes bytes and closes it: a document written whole.
    static bool writeWhole(const QString& path, std::string_view bytes, QString* error);

private:
    friend class SessionCapture;
    bool writeDirect(std::string_view bytes, QString* error);
    bool writeAll(std::string_view bytes, QString* error);
    bool drain(QString* error);

    QString m_path;
    int m_fd = -1;
    std::string m_buffer;
};

// The bytes one session's rows add to the shared files, held on the thread that renders
// that session until the session is done or it is the session's turn to be written.
// Installed on the calling thread for its lifetime. Memory stays bounded: once more than
// holdLimit bytes are held, the capture waits for its turn, writes what it holds, and from
// then on (its session being the one written) passes every write straight through.
class SessionCapture
{
public:
    // What a session holds for each file it wrote to, in the order first written (a
    // session writes a few files at most).
    using Held = std::vector<std::pair<OutputFile*, std::string>>;
    // Blocks until the session is next to be written; false (with the reason) when the
    // export stopped instead.
    using WaitForTurn = std::function<bool(QString* error)>;
    explicit SessionCapture(size_t holdLimit);
    ~SessionCapture();
    SessionCapture(const SessionCapture&) = delete;
    SessionCapture& operator=(const SessionCapture&) = delete;

    // Starts capturing the next session of this thread into buffers (emptied here), the
    // ones a written session gave back: a session's rows are megabytes, and fresh
    // buffers would be fresh pages each time.
    void begin(WaitForTurn waitForTurn, Held buffers = {});
    // Whether the session outgrew the hold limit and took its turn: then all of it is
    // written once commit() returns.
    bool tookTurn() const { return m_ourTurn; }
    // Waits for the turn (unless it came already) and writes everything held.
    bool commit(QString* error);
    // The session's bytes, for another thread to write when its turn comes (the session
    // did not take its turn). The capture holds nothing afterwards.
    Held takeHeld();
    // Writes bytes a session held to their files (on the thread whose turn it is).
    static bool writeHeld(const Held& held, QString* error);
    // The capture installed on this thread, or none.
    static SessionCapture* current();

private:
    friend class OutputFile;
    bool append(OutputFile& file, std::string_view bytes, QString* error);
    bool append(OutputFile& file, const std::function<void(std::string& out)>& fill, QString* error);
    std::string& pendingFor(OutputFile& file);
    bool takeTurn(QString* error);

    WaitForTurn m_waitForTurn;
    size_t m_holdLimit;
    size_t m_held = 0;
    bool m_ourTurn = false;
    Held m_pending;
    SessionCapture* m_previous = nullptr;
};

// Totals across an export, for the dataset card and the final message.
struct ExportStats
{
    qint64 sessions = 0;
    qint64 skippedSessions = 0; // no action step: nothing for chat formats to learn
    qint64 steps = 0;
    // Steps of each family, in the registry's order (families::all()).
    std::vector<qint64> stepsByFamily;
    qint64 errors = 0;
    qint64 retries = 0;
    qint64 recoveries = 0;
    qint64 ratedSteps = 0;
    qint64 images = 0;
    qint64 events = 0;
    qint64 unreadableEvents = 0;
};

// What every format writer may use while it writes.
struct ExportContext
{
    QString root;             // the folder being written (a temporary sibling of --out)
    QString trailmarkVersion; // for ATIF's agent.version and the dataset card
    QStringList formats;      // every format of this export, in canonical order
    // Relative path ("images/<sha256>.png") of a screenshot, copied on first use; empty
    // when the blob is missing (a warning is logged, the step keeps no image).
    std::function<QString(const QString& sha256Hex)> imagePath;
    // How the chat formats write edits (str_replace editor or apply_patch calls).
    ToolStyle toolStyle;
};

// One export format. The exporter calls begin once, then for every session event()
// for each event (after redaction) and trajectory() once, then finish.
//
// Unless the writer wants events, trajectory() runs on several threads at once, one
// session each: it keeps no state between calls (rows are built in locals), writes its
// shared files through OutputFile::write (captured and written in session order) and
// may write a per-session file whole. begin() and finish() run on the calling thread.
class FormatWriter
{
public:
    virtual ~FormatWriter() = default;
    virtual bool begin(const ExportContext& context, QString* error) = 0;
    virtual bool event(const v1::Event&, QString*) { return true; }
    // Whether event() does anything: an export whose writers need no events derives
    // the next session's steps on another core while this one is written.
    virtual bool wantsEvents() const { return false; }
    virtual bool trajectory(const Trajectory& trajectory, QString* error) = 0;
    virtual bool finish(const ExportStats& stats, QString* error) = 0;
};

// The formats, in the order they are written and listed.
QStringList knownFormats();
std::unique_ptr<FormatWriter> makeFormatWriter(const QString& format);

// Helpers shared by the writers.
namespace exportutil {
// "2026-01-01T00:00:01.000Z"
QString isoTime(qint64 ns);
std::string isoTimeUtf8(qint64 ns);
// The same text on the stack (one per row of millions).
struct IsoTime
{
    std::array<char, 24> text;
    std::string_view view() const { return {text.data(), text.size()}; }
};
IsoTime isoTimeText(qint64 ns);
// The tool a chat-format model calls for a step ("shell", "switch_app"), from its family.
std::string_view toolName(const Step& step);
// A buffer to build a row in, empty, kept per thread: chat rows are up to a megabyte
// before they are handed on, and a new string each session would map new pages each
// time. One writer at a time may use it (writers run one after another).
std::string& rowBuffer();
// The arguments of that call as a JSON object text ({"command": ...}).
std::string toolArguments(const Step& step);
// The id that ties a step's tool call to its result: "call_<step index>".
std::string toolCallId(const Step& step);
// The tools a conversation offers: one bit per family of families::all(), set for the
// families offered in every conversation and for those the trajectory uses.
quint32 offeredTools(const Trajectory& trajectory);
// The instruction every chat-format conversation starts with, naming the tools offered.
QString systemPrompt(const ToolStyle& style, quint32 offered);
// JSON schemas of the offered tools (an array) as OpenAI's `tools` field wants them.
std::string toolSchemas(const ToolStyle& style, quint32 offered);
// The calls a chat format writes for an action step, in order: most steps are one call
// (the step's tool, arguments and observation), an edit may be several, or none when
// nothing of it can be replayed exactly (a withheld file). `observation` is empty in
// the single-call case: write it with writeObservation (it may be large).
struct ChatCall
{
    std::string_view tool;
    std::string arguments;
    std::string id;
    std::optional<std::string> observation;
};
std::vector<ChatCall> chatCalls(const Step& step, const ToolStyle& style);
// Writes a call's observation as one JSON string value.
void writeCallObservation(JsonWriter& json, const Step& step, const ChatCall& call);
// The last assistant turn: the expert's closing notes, else "Done.".
QString closingMessage(const Trajectory& trajectory);
bool hasAction(const Trajectory& trajectory);
// Writes a step's observation as one JSON string value (after the key).
void writeObservation(JsonWriter& json, const Step& step);
} // namespace exportutil

} // namespace trailmark::chains
