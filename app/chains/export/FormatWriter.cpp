#include "chains/export/FormatWriter.h"

#include "chains/Step.h"
#include "chains/StepOutline.h"
#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/FamilyRegistry.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace trailmark::chains {

namespace {
constexpr size_t kFlushAt = 1 << 20;
thread_local SessionCapture* t_capture = nullptr;
} // namespace

OutputFile::~OutputFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool OutputFile::open(const QString& path, QString* error)
{
    m_path = path;
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QStringLiteral("cannot create the folder of %1").arg(path);
        return false;
    }
    m_fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    m_buffer.reserve(kFlushAt + (kFlushAt >> 2));
    return true;
}

bool OutputFile::drain(QString* error)
{
    if (!writeAll(m_buffer, error))
        return false;
    m_buffer.clear();
    return true;
}

bool OutputFile::writeAll(std::string_view bytes, QString* error)
{
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t written = ::write(m_fd, bytes.data() + done, bytes.size() - done);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        done += static_cast<size_t>(written);
    }
    return true;
}

bool OutputFile::write(std::string_view bytes, QString* error)
{
    if (t_capture)
        return t_capture->append(*this, bytes, error);
    return writeDirect(bytes, error);
}

bool OutputFile::append(const std::function<void(std::string& out)>& fill, QString* error)
{
    if (t_capture)
        return t_capture->append(*this, fill, error);
    fill(m_buffer);
    return m_buffer.size() < kFlushAt || drain(error);
}

bool OutputFile::writeDirect(std::string_view bytes, QString* error)
{
    // A session's held rows come in megabytes: straight to the file, not through the
    // buffer (a copy of the whole export less).
    if (bytes.size() >= kFlushAt)
        return drain(error) && writeAll(bytes, error);
    m_buffer.append(bytes);
    return m_buffer.size() < kFlushAt || drain(error);
}

bool OutputFile::close(QString* error)
{
    if (m_fd < 0)
        return true;
    const bool drained = drain(error);
    const int closed = ::close(m_fd);
    m_fd = -1;
    if (drained && closed != 0) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return drained;
}

bool OutputFile::writeWhole(const QString& path, std::string_view bytes, QString* error)
{
    // A file of its own: nothing to order, so never captured.
    OutputFile file;
    return file.open(path, error) && file.writeDirect(bytes, error) && file.close(error);
}

SessionCapture::SessionCapture(size_t holdLimit)
    : m_holdLimit(holdLimit)
    , m_previous(t_capture)
{
    t_capture = this;
}

void SessionCapture::begin(WaitForTurn waitForTurn, Held buffers)
{
    m_waitForTurn = std::move(waitForTurn);
    m_ourTurn = false;
    m_held = 0;
    if (!buffers.empty())
        m_pending = std::move(buffers);
    for (auto& pending : m_pending)
        pending.second.clear();
}

SessionCapture::Held SessionCapture::takeHeld()
{
    m_held = 0;
    return std::exchange(m_pending, {});
}

bool SessionCapture::writeHeld(const Held& held, QString* error)
{
    for (const auto& [file, bytes] : held) {
        if (!bytes.empty() && !file->writeDirect(bytes, error))
            return false;
    }
    return true;
}

SessionCapture::~SessionCapture()
{
    t_capture = m_previous;
}

SessionCapture* SessionCapture::current()
{
    return t_capture;
}

bool SessionCapture::takeTurn(QString* error)
{
    if (!m_ourTurn) {
        if (!m_waitForTurn(error))
            return false;
        m_ourTurn = true;
    }
    if (!writeHeld(m_pending, error))
        return false;
    for (auto& pending : m_pending)
        pending.second.clear();
    m_held = 0;
    return true;
}

std::string& SessionCapture::pendingFor(OutputFile& file)
{
    auto pending =
        std::find_if(m_pending.begin(), m_pending.end(), [&file](const auto& p) { return p.first == &file; });
    if (pending == m_pending.end()) {
        m_pending.emplace_back(&file, std::string());
        pending = std::prev(m_pending.end());
    }
    return pending->second;
}

bool SessionCapture::append(OutputFile& file, std::string_view bytes, QString* error)
{
    if (m_ourTurn)
        return file.writeDirect(bytes, error);
    pendingFor(file).append(bytes);
    m_held += bytes.size();
    return m_held < m_holdLimit || takeTurn(error);
}

bool SessionCapture::append(OutputFile& file, const std::function<void(std::string& out)>& fill, QString* error)
{
    if (m_ourTurn) {
        fill(file.m_buffer);
        return file.m_buffer.size() < kFlushAt || file.drain(error);
    }
    std::string& pending = pendingFor(file);
    const size_t before = pending.size();
    fill(pending);
    m_held += pending.size() - before;
    return m_held < m_holdLimit || takeTurn(error);
}

bool SessionCapture::commit(QString* error)
{
    return takeTurn(error);
}

namespace exportutil {

IsoTime isoTimeText(qint64 ns)
{
    // Civil date from days since the epoch (the proleptic Gregorian algorithm of
    // H. Hinnant's date library, restated): QDateTime formatting costs more than the
    // rest of a step's row.
    qint64 ms = ns / 1'000'000;
    if (ns < 0 && ms * 1'000'000 != ns)
        --ms;
    qint64 days = ms / 86'400'000;
    qint64 msOfDay = ms % 86'400'000;
    if (msOfDay < 0) {
        msOfDay += 86'400'000;
        --days;
    }
    days += 719'468;
    const qint64 era = (days >= 0 ? days : days - 146'096) / 146'097;
    const qint64 dayOfEra = days - era * 146'097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthIndex = (5 * dayOfYear + 2) / 153;
    const qint64 day = dayOfYear - (153 * monthIndex + 2) / 5 + 1;
    const qint64 month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    // int64 nanoseconds span the years 1677 to 2262: always four digits.
    IsoTime time;
    std::memcpy(time.text.data(), "0000-00-00T00:00:00.000Z", time.text.size());
    const auto put = [&time](size_t at, qint64 value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
            time.text[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, msOfDay / 3'600'000, 2);
    put(14, msOfDay / 60'000 % 60, 2);
    put(17, msOfDay / 1000 % 60, 2);
    put(20, msOfDay % 1000, 3);
    return time;
}

std::string isoTimeUtf8(qint64 ns)
{
    return std::string(isoTimeText(ns).view());
}

QString isoTime(qint64 ns)
{
    return QString::fromLatin1(isoTimeUtf8(ns));
}

std::string_view toolName(const Step& step)
{
    return families::exporting(step).toolName();
}

std::string& rowBuffer()
{
    thread_local std::string buffer;
    buffer.clear();
    return buffer;
}

std::string toolArguments(const Step& step)
{
    return families::exporting(step).toolArguments(step);
}

std::string toolCallId(const Step& step)
{
    return "call_" + std::to_string(step.index);
}

std::vector<ChatCall> chatCalls(const Step& step, const ToolStyle& style)
{
    const ExportingFacet& exporting = families::exporting(step);
    std::optional<std::vector<ToolCall>> own = exporting.chatToolCalls(step, style);
    std::vector<ChatCall> out;
    if (!own) {
        out.push_back({exporting.chatToolName(style), exporting.toolArguments(step), toolCallId(step), {}});
        return out;
    }
    std::vector<ToolCall>& calls = *own;
    out.reserve(calls.size());
    for (size_t i = 0; i < calls.size(); ++i)
        out.push_back({calls[i].tool, std::move(calls[i].arguments),
                       i == 0 ? toolCallId(step) : toolCallId(step) + "_" + std::to_string(i),
                       std::move(calls[i].observation)});
    return out;
}

void writeCallObservation(JsonWriter& json, const Step& step, const ChatCall& call)
{
    if (call.observation)
        json.value(*call.observation);
    else
        writeObservation(json, step);
}

quint32 offeredTools(const Trajectory& trajectory)
{
    const auto all = families::all();
    static_assert(sizeof(quint32) * 8 >= 16, "one bit per family");
    quint32 offered = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        if (families::exporting(*all[i]).offeredWhenUnused())
            offered |= 1u << i;
    }
    const auto offer = [&](const Family* family) {
        for (size_t i = 0; i < all.size(); ++i) {
            if (family == all[i])
                offered |= 1u << i;
        }
    };
    if (trajectory.outline) {
        for (const StepOutline& step : trajectory.outline->steps)
            offer(step.family);
    }
    for (const Step& step : trajectory.steps)
        offer(step.family);
    return offered;
}

QString systemPrompt(const ToolStyle& style, quint32 offered)
{
    // "You act by running commands in a shell (tool `shell`) and by switching between
    // application windows (tool `switch_app`)": one clause per family with a tool.
    std::vector<std::string> clauses;
    const auto all = families::all();
    for (size_t i = 0; i < all.size(); ++i) {
        const ExportingFacet& family = families::exporting(*all[i]);
        if (family.chatToolName(style).empty() || !(offered & (1u << i)))
            continue;
        clauses.push_back(std::string(family.chatToolPurpose(style))
                              .append(" (tool `")
                              .append(family.chatToolName(style))
                              .append("`)"));
    }
    std::string tools;
    for (size_t i = 0; i < clauses.size(); ++i) {
        if (i > 0)
            tools += i + 1 == clauses.size() ? " and by " : ", by ";
        tools += clauses[i];
    }
    return QStringLiteral("You are an expert working at a Linux desktop. You act by %1. Think before each action, "
                          "read what it produced, and recover from errors until the task is done.")
        .arg(QString::fromStdString(tools));
}

std::string toolSchemas(const ToolStyle& style, quint32 offered)
{
    std::string out;
    JsonWriter json(out);
    json.beginArray();
    const auto all = families::all();
    for (size_t i = 0; i < all.size(); ++i) {
        if (offered & (1u << i))
            families::exporting(*all[i]).writeChatToolSchema(json, style);
    }
    json.endArray();
    return out;
}

QString closingMessage(const Trajectory& trajectory)
{
    return trajectory.closingNotes.isEmpty() ? QStringLiteral("Done.")
                                             : trajectory.closingNotes.join(QLatin1Char('\n'));
}

void writeObservation(JsonWriter& json, const Step& step)
{
    families::exporting(step).writeObservation(json, step);
}

bool hasAction(const Trajectory& trajectory)
{
    if (trajectory.outline)
        return std::any_of(trajectory.outline->steps.begin(), trajectory.outline->steps.end(),
                           [](const StepOutline& s) { return s.isAction; });
    return std::any_of(trajectory.steps.begin(), trajectory.steps.end(), [](const Step& s) { return s.isAction(); });
}

} // namespace exportutil
} // namespace trailmark::chains
