#include "Logging.h"

#include "store/PrivateFiles.h"

#include <QFile>
#include <QString>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace trailmark {

void initLogging()
{
    const QString directory = store::paths::stateDirectory();
    const QString file = directory + QStringLiteral("/trailmark.log");
    QString error;
    std::shared_ptr<spdlog::logger> logger;
    if (store::privatefiles::ensureDirectory(directory, &error) && store::privatefiles::ensureFile(file, &error)) {
        try {
            auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(QFile::encodeName(file).toStdString(),
                                                                               5 * 1024 * 1024, 3);
            logger = std::make_shared<spdlog::logger>("trailmark", std::move(sink));
        } catch (const spdlog::spdlog_ex& exception) {
            error = QString::fromUtf8(exception.what());
        }
    }
    if (!logger) {
        std::fprintf(stderr, "trailmark: logging disabled: %s\n", qPrintable(error));
        logger = std::make_shared<spdlog::logger>("trailmark", std::make_shared<spdlog::sinks::null_sink_mt>());
    }
    const QByteArray level = qgetenv("TRAILMARK_LOG");
    logger->set_level(level.isEmpty() ? spdlog::level::info : spdlog::level::from_str(level.toStdString()));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
}

} // namespace trailmark
