#pragma once

#include "capture/CaptureSetup.h"
#include "capture/Recorder.h"
#include "store/EventWriter.h"

#include <QObject>

#include <spdlog/spdlog.h>

#include <memory>

namespace trailmark::gui {

// Lives on the worker thread and owns the Recorder there.
class RecorderHost final : public QObject
{
    Q_OBJECT

public:
    explicit RecorderHost(QString databasePath)
        : m_databasePath(std::move(databasePath))
    {}

    void start(const QString& task, const capture::SourceChoices& choices)
    {
        capture::RecorderOptions options;
        options.databasePath = m_databasePath;
        options.task = task;
        m_recorder = std::make_unique<capture::Recorder>(options);
        connect(m_recorder.get(), &capture::Recorder::warning, this, &RecorderHost::warning);
        connect(m_recorder.get(), &capture::Recorder::storageHeld, this, &RecorderHost::storageHeld);
        connect(m_recorder.get(), &capture::Recorder::storageResumed, this, &RecorderHost::storageResumed);
        QString error;
        QStringList warnings;
        if (!capture::StandardCapture::addTo(*m_recorder, choices, &warnings, &error) || !m_recorder->start(&error)) {
            m_recorder.reset();
            Q_EMIT failed(error);
            return;
        }
        connect(m_recorder->writer(), &store::EventWriter::committed, this, &RecorderHost::committed);
        for (const QString& message : std::as_const(warnings))
            Q_EMIT warning(message);
        for (const QString& interrupted : m_recorder->interruptedSessions())
            Q_EMIT warning(tr("Session %1 was left open by a recorder that stopped unexpectedly; it is marked "
                              "interrupted.")
                               .arg(interrupted));
        Q_EMIT started(m_recorder->sessionId());
    }

    void setPaused(bool paused)
    {
        QString error;
        if (!m_recorder || !m_recorder->setPaused(paused, &error))
            Q_EMIT warning(tr("Cannot %1: %2").arg(paused ? tr("pause") : tr("resume"), error));
        else
            Q_EMIT pausedChanged(paused);
    }

    void addNote(const QString& text, int kind)
    {
        QString error;
        const bool ok =
            m_recorder && m_recorder->addNote(text, static_cast<v1::Note::Kind>(kind), QStringLiteral("gui"), &error);
        Q_EMIT noteResult(ok, m_recorder ? error : tr("not recording"));
    }

    void stop()
    {
        if (!m_recorder)
            return;
        const QString sessionId = m_recorder->sessionId();
        QString error;
        if (!m_recorder->stop(&error))
            spdlog::error("recording {} did not stop cleanly: {}", sessionId.toStdString(), error.toStdString());
        m_recorder.reset();
        Q_EMIT stopped(sessionId, error);
    }

Q_SIGNALS:
    void started(const QString& sessionId);
    void stopped(const QString& sessionId, const QString& error);
    void failed(const QString& message);
    void warning(const QString& message);
    void committed();
    void pausedChanged(bool paused);
    void noteResult(bool ok, const QString& error);
    void storageHeld(const QString& message);
    void storageResumed();

private:
    QString m_databasePath;
    std::unique_ptr<capture::Recorder> m_recorder;
};

} // namespace trailmark::gui
