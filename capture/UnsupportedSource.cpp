#include "capture/UnsupportedSource.h"

namespace trailmark::capture {

UnsupportedSource::UnsupportedSource(QString name, QString reason, QObject* parent)
    : CaptureSource(parent)
    , m_name(std::move(name))
    , m_reason(std::move(reason))
{}

bool UnsupportedSource::start(EventSink& /*sink*/, QString* error)
{
    *error = m_reason;
    return false;
}

} // namespace trailmark::capture
