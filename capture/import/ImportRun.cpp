#include "capture/import/ImportRun.h"

#include "capture/import/ImportKeyHasher.h"
#include "capture/redact/Redactor.h"
#include "capture/shell/ShellExit.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>

namespace trailmark::capture {

ImportRun::ImportRun(store::Store& store, const Redactor& redactor, const ImportOptions& options, QString path)
    : m_writer(store)
    , m_redactor(redactor)
    , m_options(options)
    , m_path(std::move(path))
    , m_formatName(historyFormatName(options.format).toUtf8())
    , m_ledger(store)
    , m_sessions(store, m_writer, m_ledger, redactor, options, m_path, m_formatName)
{
    // The importer decides where transactions end (every commandsPerBatch commands,
    // always between two commands), so a command's key and events commit together.
    m_writer.setMaxBatchSize(std::numeric_limits<qint64>::max());
    m_writer.setMaxBatchAge(std::chrono::hours(24));
    m_lastKnownNs = QFileInfo(m_path).lastModified().toMSecsSinceEpoch() * 1'000'000;
    switch (options.format) {
    case HistoryFormat::Atuin:
        m_shellName = "atuin"; // atuin does not record which shell ran the command
        break;
    case HistoryFormat::ZshHistory:
        m_shellName = "zsh";
        break;
    case HistoryFormat::BashHistory:
        m_shellName = "bash";
        break;
    }
}

bool ImportRun::onCommand(const ImportedCommand& command, QString* error)
{
    if (Redactor::isOptedOut(std::string_view(command.command.constData(), command.command.size()))) {
        ++summary.optedOut;
        return true;
    }
    if (endsTheShell(std::string_view(command.command.constData(), command.command.size())))
        return true; // not a step, as the hooks do not record it either
    // Untimed history lines take the time of the command before them; those before
    // any timed command wait for the first one (or the file's time when none comes),
    // so a history that gained timestamps later does not start at the file's mtime.
    if (command.startNs < 0 && !m_knowsTime) {
        m_untimed.push_back(command);
        ImportedCommand& kept = m_untimed.back(); // the reader's buffers are only lent
        for (QByteArray* bytes : {&kept.command, &kept.cwd, &kept.recordId, &kept.shellSession, &kept.hostUser})
            bytes->detach();
        return true;
    }
    if (command.startNs >= 0 && !m_knowsTime) {
        m_knowsTime = true;
        m_lastKnownNs = command.startNs;
        if (!flushUntimed(error))
            return false;
    }
    return store(command, error);
}

// Untimed commands still waiting at the end of the file get the file's time.
bool ImportRun::flushUntimed(QString* error)
{
    m_knowsTime = true;
    std::vector<ImportedCommand> waiting;
    waiting.swap(m_untimed);
    for (const ImportedCommand& command : waiting) {
        if (!store(command, error))
            return false;
    }
    return true;
}

bool ImportRun::store(const ImportedCommand& command, QString* error)
{
    if (!m_writer.beginBatch(error))
        return false;
    qint64 startNs = command.startNs;
    if (startNs >= 0)
        m_lastKnownNs = startNs;
    else
        startNs = m_lastKnownNs;
    const qint64 endNs = startNs + std::max<qint64>(command.durationNs, 0);
    // Redacted here, before the key is computed: the key of a zsh/bash line is a hash
    // of its text, and a hash of the raw text would let anyone holding the database
    // test guesses of a password offline. The sink's Redactor runs again and finds
    // nothing new (markers are never redacted twice).
    v1::Event started;
    started.set_time_ns(startNs);
    v1::CommandStarted* body = started.mutable_command_started();
    body->set_command(command.command.constData(), static_cast<size_t>(command.command.size()));
    m_redactor.redact(*body->mutable_command(), "command", body->mutable_redactions());
    const store::ImportKey key{command.startNs, hashOf(command, body->command())};

    std::optional<qint64> existingRow;
    if (!m_ledger.find(key, &existingRow, error))
        return false;
    if (existingRow) {
        ++summary.alreadyImported;
        m_sessions.follow(*existingRow, endNs);
        return true;
    }

    OpenSession* session = m_sessions.sessionFor(command, startNs, error);
    if (!session || !m_ledger.record(key, session->row, error))
        return false;

    const QByteArray commandId =
        command.recordId.isEmpty() ? QByteArray::number(static_cast<quint64>(key.hash), 16) : command.recordId;
    if (!record(*session, command, started, endNs, commandId, error))
        return false;
    ++summary.commands;
    ++session->commands;
    session->firstNs = std::min(session->firstNs, startNs);
    session->lastNs = std::max(session->lastNs, endNs);
    m_sessions.follow(session->row, endNs);
    if (++m_sinceCommit >= m_options.commandsPerBatch) {
        m_sinceCommit = 0;
        return m_writer.flush(error);
    }
    return true;
}

bool ImportRun::record(OpenSession& session, const ImportedCommand& command, v1::Event& started, qint64 endNs,
                       const QByteArray& commandId, QString* error)
{
    v1::CommandStarted* body = started.mutable_command_started();
    body->set_command_id(commandId.constData(), static_cast<size_t>(commandId.size()));
    body->set_cwd(command.cwd.constData(), static_cast<size_t>(command.cwd.size()));
    body->set_shell(m_shellName);
    if (command.shellSession.isEmpty())
        body->set_shell_session_id(session.idText);
    else
        body->set_shell_session_id(command.shellSession.constData(), static_cast<size_t>(command.shellSession.size()));
    if (!session.hostText.empty())
        body->set_host(session.hostText);
    if (!session.sink->record(started, error))
        return false;
    summary.redactions += started.command_started().redactions_size();

    // atuin's duration -1: the command never ended (shell killed); like a live
    // command without its end record, it gets no CommandFinished.
    if (!(m_options.format == HistoryFormat::Atuin && command.durationNs < 0)) {
        v1::Event finished;
        finished.set_time_ns(endNs);
        v1::CommandFinished* end = finished.mutable_command_finished();
        end->set_command_id(commandId.constData(), static_cast<size_t>(commandId.size()));
        if (command.exitCode)
            end->set_exit_code(*command.exitCode);
        else
            end->set_exit_code_unknown(true);
        if (command.durationNs >= 0)
            end->set_duration_ns(command.durationNs);
        else
            end->set_duration_unknown(true);
        if (!session.sink->record(finished, error))
            return false;
    }
    return true;
}

bool ImportRun::finish(QString* error)
{
    return flushUntimed(error) && m_writer.beginBatch(error) && m_sessions.finish(&summary, error) &&
           m_writer.flush(error);
}

qint64 ImportRun::hashOf(const ImportedCommand& command, const std::string& redactedCommand)
{
    if (m_options.format == HistoryFormat::Atuin && !command.recordId.isEmpty())
        return ImportKeyHasher().add(QByteArrayView("atuin")).add(command.recordId).key();
    // zsh and bash have no record ids: the file, the time and the redacted text, plus
    // the occurrence, so the same command twice in one second is two commands.
    const qint64 base = ImportKeyHasher()
                            .add(m_formatName)
                            .add(QFile::encodeName(m_path))
                            .add(command.startNs)
                            .add(QByteArrayView(redactedCommand.data(), static_cast<qsizetype>(redactedCommand.size())))
                            .key();
    const qint64 occurrence = m_occurrences[base]++;
    return ImportKeyHasher().add(base).add(occurrence).key();
}

} // namespace trailmark::capture
