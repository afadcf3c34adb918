#include "capture/shell/SpoolDirectory.h"

#include <unistd.h>

namespace trailmark::capture {

QString spoolDirectory()
{
    const QString fromEnvironment = qEnvironmentVariable("TRAILMARK_SPOOL_DIR");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty())
        return runtime + QStringLiteral("/trailmark");
    return QStringLiteral("/tmp/trailmark-%1").arg(::geteuid());
}

} // namespace trailmark::capture
