#pragma once

#include "capture/CaptureSource.h"

namespace trailmark::capture {

// The source for a platform we cannot run yet: it says so, with the reason, and never
// pretends to record.
class UnsupportedSource final : public CaptureSource
{
    Q_OBJECT

public:
    UnsupportedSource(QString name, QString reason, QObject* parent = nullptr);

    QString name() const override { return m_name; }
    SourceSupport supportHere() const override { return {false, m_reason}; }
    bool start(EventSink& sink, QString* error) override;
    void stop() override {}

private:
    QString m_name;
    QString m_reason;
};

} // namespace trailmark::capture
