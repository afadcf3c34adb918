#include "cli/CommandContext.h"

#include <QCommandLineParser>
#include <QJsonDocument>

namespace trailmark::cli {

std::unique_ptr<store::Store> CommandContext::openStore(store::Store::Access access) const
{
    QString error;
    auto store = store::Store::open(databasePath, access, &error);
    if (!store)
        fail(error);
    return store;
}

int CommandContext::fail(const QString& message) const
{
    err << "trailmark " << arguments.value(0) << ": " << message << Qt::endl;
    return 1;
}

int CommandContext::usageError(const QString& message) const
{
    err << "trailmark " << arguments.value(0) << ": " << message << Qt::endl
        << "Try 'trailmark " << arguments.value(0) << " --help'." << Qt::endl;
    return 2;
}

int CommandContext::refusePositionalArguments(const QCommandLineParser& parser) const
{
    const QStringList positional = parser.positionalArguments();
    return positional.isEmpty() ? 0 : usageError(QStringLiteral("unexpected argument '%1'").arg(positional.first()));
}

void CommandContext::printJson(const QJsonDocument& document) const
{
    out << QString::fromUtf8(document.toJson(QJsonDocument::Compact)) << Qt::endl;
}

} // namespace trailmark::cli
