#include "capture/import/HistoryImporter.h"

#include "capture/SessionSink.h"
#include "capture/import/AtuinHistoryReader.h"
#include "capture/import/BashHistoryParser.h"
#include "capture/import/ImportKeyHasher.h"
#include "capture/import/ZshHistoryParser.h"
#include "capture/redact/Redactor.h"
#include "capture/shell/ShellExit.h"
#include "store/EventWriter.h"
#include "store/ImportLedger.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSysInfo>

#include <spdlog/spdlog.h>

#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

namespace trailmark::capture {
namespace {

struct OpenSession
{
    QString id;
    qint64 row = 0;
    std::unique_ptr<SessionSink> sink;
    bool created = false;
    qint64 firstNs = std::numeric_limits<qint64>::max();
    qint64 lastNs = std::numeric_limits<qint64>::min();
    qint64 commands = 0;
    QByteArray atuinSession; // for the generated task
    QString host;
    std::string idText; // id and host as the events carry them, converted once
    std::string hostText;
};

QString timeText(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

std::pair<QString, QString> splitHostUser(const QByteArray& hostUser)
{
    const qsizetype colon = hostUser.lastIndexOf(':');
    if (colon < 0)
        return {QString::fromUtf8(hostUser), QString()};
    return {QString::fromUtf8(hostUser.left(colon)), QString::fromUtf8(hostUser.mid(colon + 1))};
}

class ImportRun
{
public:
    ImportRun(store::Store& store, const Redactor& redactor, const ImportOptions& options, QString path)
        : m_store(store)
        , m_writer(store)
        , m_redactor(redactor)
        , m_options(options)
        , m_path(std::move(path))
        , m_formatName(historyFormatName(options.format).toUtf8())
        , m_ledger(store)
    {
        // The importer decides where transactions end (every commandsPerBatch commands,
        // always between two commands), so a command's key and events commit together.
        m_writer.setMaxBatchSize(std::numeric_limits<qint64>::max());
        m_writer.setMaxBatchAge(std::chrono::hours(24));
        m_localHost = QSysInfo::machineHostName();
        m_localUser = qEnvironmentVariable("USER");
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

    bool prepared(QString* error) const { return m_ledger.isReady(error); }

    bool onCommand(const ImportedCommand& command, QString* error)
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
    bool flushUntimed(QString* error)
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

    bool store(const ImportedCommand& command, QString* error)
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
            m_previousRow = existingRow;
            m_previousEndNs = endNs;
            return true;
        }

        OpenSession* session = sessionFor(command, startNs, error);
        if (!session || !m_ledger.record(key, session->row, error))
            return false;

        const QByteArray commandId =
            command.recordId.isEmpty() ? QByteArray::number(static_cast<quint64>(key.hash), 16) : command.recordId;
        body->set_command_id(commandId.constData(), static_cast<size_t>(commandId.size()));
        body->set_cwd(command.cwd.constData(), static_cast<size_t>(command.cwd.size()));
        body->set_shell(m_shellName);
        if (command.shellSession.isEmpty())
            body->set_shell_session_id(session->idText);
        else
            body->set_shell_session_id(command.shellSession.constData(),
                                       static_cast<size_t>(command.shellSession.size()));
        if (!session->hostText.empty())
            body->set_host(session->hostText);
        if (!session->sink->record(started, error))
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
            if (!session->sink->record(finished, error))
                return false;
        }

        ++summary.commands;
        ++session->commands;
        session->firstNs = std::min(session->firstNs, startNs);
        session->lastNs = std::max(session->lastNs, endNs);
        m_previousRow = session->row;
        m_previousEndNs = endNs;
        if (++m_sinceCommit >= m_options.commandsPerBatch) {
            m_sinceCommit = 0;
            return m_writer.flush(error);
        }
        return true;
    }

    // Final figures of every session that got commands, then the last commit.
    bool finish(QString* error)
    {
        if (!flushUntimed(error) || !m_writer.beginBatch(error))
            return false;
        for (OpenSession* open : m_order) {
            if (open->commands == 0)
                continue;
            auto session = m_store.session(open->id, error);
            if (!session)
                return false;
            session->set_started_ns(std::min<qint64>(session->started_ns(), open->firstNs));
            session->set_ended_ns(std::max<qint64>(session->ended_ns(), open->lastNs));
            session->set_state(v1::Session::STATE_FINISHED);
            if (open->created && m_options.task.isEmpty())
                session->set_task(generatedTask(*open).toStdString());
            if (!m_store.updateSession(*session, error))
                return false;
            if (open->created)
                ++summary.sessionsCreated;
            else
                ++summary.sessionsContinued;
            summary.sessionIds.append(open->id);
        }
        return m_writer.flush(error);
    }

    ImportSummary summary;

private:
    qint64 hashOf(const ImportedCommand& command, const std::string& redactedCommand)
    {
        if (m_options.format == HistoryFormat::Atuin && !command.recordId.isEmpty())
            return ImportKeyHasher().add(QByteArrayView("atuin")).add(command.recordId).key();
        // zsh and bash have no record ids: the file, the time and the redacted text, plus
        // the occurrence, so the same command twice in one second is two commands.
        const qint64 base =
            ImportKeyHasher()
                .add(m_formatName)
                .add(QFile::encodeName(m_path))
                .add(command.startNs)
                .add(QByteArrayView(redactedCommand.data(), static_cast<qsizetype>(redactedCommand.size())))
                .key();
        const qint64 occurrence = m_occurrences[base]++;
        return ImportKeyHasher().add(base).add(occurrence).key();
    }

    static store::ImportKey atuinSessionKey(const QByteArray& session)
    {
        return {0, ImportKeyHasher().add(QByteArrayView("atuin-session")).add(session).key()};
    }

    OpenSession* sessionFor(const ImportedCommand& command, qint64 startNs, QString* error)
    {
        if (m_options.format == HistoryFormat::Atuin) {
            const auto known = m_atuinSessions.constFind(command.shellSession);
            if (known != m_atuinSessions.constEnd())
                return *known;
            const store::ImportKey key = atuinSessionKey(command.shellSession);
            std::optional<qint64> row;
            if (!m_ledger.find(key, &row, error))
                return nullptr;
            OpenSession* session = nullptr;
            if (row && !openExisting(*row, &session, error))
                return nullptr;
            // New, or its earlier session was deleted since: a new session (the key is
            // replaced to point at it).
            const bool isNew = session == nullptr;
            if (isNew && !(session = create(startNs, command, error)))
                return nullptr;
            if (isNew && !m_ledger.record(key, session->row, error))
                return nullptr;
            m_atuinSessions.insert(QByteArray(command.shellSession.constData(), command.shellSession.size()), session);
            return session;
        }
        if (m_previousRow && startNs - m_previousEndNs <= m_options.idleGapNs) {
            OpenSession* previous = nullptr;
            if (!openExisting(*m_previousRow, &previous, error))
                return nullptr;
            if (previous)
                return previous;
        }
        return create(startNs, command, error);
    }

    // The session with this row, opened to take more commands; *session stays null when
    // the session no longer exists (deleted since the earlier import). False on a read
    // error.
    bool openExisting(qint64 row, OpenSession** session, QString* error)
    {
        const auto it = m_sessions.find(row);
        if (it != m_sessions.end()) {
            *session = it->second.get();
            return true;
        }
        std::optional<QString> id;
        if (!m_ledger.sessionAt(row, &id, error))
            return false;
        if (!id)
            return true;
        auto open = std::make_unique<OpenSession>();
        open->id = *id;
        const auto stored = m_store.session(open->id, error);
        if (!stored)
            return false;
        open->host = QString::fromStdString(stored->host());
        *session = adopt(row, std::move(open));
        return true;
    }

    OpenSession* create(qint64 startNs, const ImportedCommand& command, QString* error)
    {
        auto [host, user] =
            command.hostUser.isEmpty() ? std::pair{m_localHost, m_localUser} : splitHostUser(command.hostUser);
        v1::Session session;
        session.set_task(m_options.task.isEmpty()
                             ? QStringLiteral("Imported %1").arg(QString::fromUtf8(m_formatName)).toStdString()
                             : m_options.task.toStdString());
        session.set_expert(user.toStdString());
        session.set_host(host.toStdString());
        session.set_platform("import:" + m_formatName.toStdString());
        session.set_source(m_formatName.toStdString() + ':' + m_path.toStdString());
        session.set_started_ns(startNs);
        session.set_ended_ns(startNs);
        session.set_state(v1::Session::STATE_FINISHED);
        if (!m_store.createSession(session, error))
            return nullptr;
        const QString id = QString::fromStdString(session.id());
        const auto row = m_store.sessionRow(store::uuid::fromText(id), error);
        if (!row)
            return nullptr;
        auto open = std::make_unique<OpenSession>();
        open->id = id;
        open->created = true;
        open->host = host;
        open->atuinSession = QByteArray(command.shellSession.constData(), command.shellSession.size());
        return adopt(*row, std::move(open));
    }

    OpenSession* adopt(qint64 row, std::unique_ptr<OpenSession> session)
    {
        session->row = row;
        session->idText = session->id.toStdString();
        session->hostText = session->host.toStdString();
        session->sink = std::make_unique<SessionSink>(m_store, m_writer, session->id);
        session->sink->addFilter(&m_redactor);
        OpenSession* pointer = session.get();
        m_sessions.emplace(row, std::move(session));
        m_order.push_back(pointer);
        return pointer;
    }

    QString generatedTask(const OpenSession& session) const
    {
        const QString file = QFileInfo(m_path).fileName();
        const QString span = QStringLiteral("%1 – %2").arg(timeText(session.firstNs), timeText(session.lastNs));
        if (m_options.format == HistoryFormat::Atuin)
            return QStringLiteral("Shell session %1 on %2, %3 (%4 command(s), imported from atuin)")
                .arg(QString::fromUtf8(session.atuinSession.left(8)), session.host, span)
                .arg(session.commands);
        return QStringLiteral("Shell work on %1, %2 (%3 command(s), imported from %4 %5)")
            .arg(session.host, span)
            .arg(session.commands)
            .arg(QString::fromUtf8(m_formatName), file);
    }

    store::Store& m_store;
    store::EventWriter m_writer;
    const Redactor& m_redactor;
    const ImportOptions& m_options;
    QString m_path;
    QByteArray m_formatName;
    std::string m_shellName;
    QString m_localHost;
    QString m_localUser;
    store::ImportLedger m_ledger;
    std::unordered_map<qint64, std::unique_ptr<OpenSession>> m_sessions; // by sessions.rowid
    std::vector<OpenSession*> m_order;
    QHash<QByteArray, OpenSession*> m_atuinSessions;
    QHash<qint64, qint64> m_occurrences;
    std::optional<qint64> m_previousRow;
    qint64 m_previousEndNs = 0;
    qint64 m_lastKnownNs = 0; // file mtime until a timed command is seen
    bool m_knowsTime = false;
    std::vector<ImportedCommand> m_untimed;
    qint64 m_sinceCommit = 0;
};

} // namespace

QString historyFormatName(HistoryFormat format)
{
    switch (format) {
    case HistoryFormat::Atuin:
        return QStringLiteral("atuin");
    case HistoryFormat::ZshHistory:
        return QStringLiteral("zsh-history");
    case HistoryFormat::BashHistory:
        return QStringLiteral("bash-history");
    }
    return {};
}

std::optional<HistoryFormat> historyFormatFromName(const QString& name)
{
    for (HistoryFormat format : {HistoryFormat::Atuin, HistoryFormat::ZshHistory, HistoryFormat::BashHistory}) {
        if (historyFormatName(format) == name)
            return format;
    }
    return std::nullopt;
}

HistoryImporter::HistoryImporter(store::Store& store, const Redactor& redactor)
    : m_store(store)
    , m_redactor(redactor)
{}

std::optional<ImportSummary> HistoryImporter::run(const ImportOptions& options, const ProblemVisitor& onProblem,
                                                  QString* error)
{
    const QFileInfo info(options.path);
    if (!info.exists()) {
        *error = QStringLiteral("no such file: %1").arg(options.path);
        return std::nullopt;
    }
    if (!info.isFile()) {
        *error = QStringLiteral("%1 is not a file").arg(options.path);
        return std::nullopt;
    }
    // The canonical path, so the same file reached by another name has the same keys.
    const QString path = info.canonicalFilePath();
    ImportRun run(m_store, m_redactor, options, path);
    if (!run.prepared(error))
        return std::nullopt;
    const ProblemVisitor countingProblem = [&](const ImportProblem& problem) {
        ++run.summary.problems;
        onProblem(problem);
    };
    const CommandVisitor onCommand = [&run](const ImportedCommand& command, QString* visitError) {
        return run.onCommand(command, visitError);
    };

    bool read = false;
    if (options.format == HistoryFormat::Atuin) {
        read = AtuinHistoryReader::read(path, onCommand, countingProblem, &run.summary.deleted, error);
    } else {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return std::nullopt;
        }
        const QByteArray data = file.readAll();
        if (data.startsWith(QByteArrayView("SQLite format 3", 16))) {
            *error = QStringLiteral("%1 is an SQLite database, not a %2 file (an atuin database? use --format atuin)")
                         .arg(path, historyFormatName(options.format));
            return std::nullopt;
        }
        read = options.format == HistoryFormat::ZshHistory
                   ? ZshHistoryParser::parse(data, onCommand, countingProblem, error)
                   : BashHistoryParser::parse(data, onCommand, countingProblem, error);
    }
    // What was read before a failure is kept and committed: every command went in with
    // its key, so a second run resumes where this one stopped.
    QString finishError;
    const bool finished = run.finish(&finishError);
    if (!read)
        return std::nullopt;
    if (!finished) {
        *error = finishError;
        return std::nullopt;
    }
    spdlog::info("imported {} commands from {} ({} already there, {} problems)", run.summary.commands,
                 path.toStdString(), run.summary.alreadyImported, run.summary.problems);
    return run.summary;
}

} // namespace trailmark::capture
