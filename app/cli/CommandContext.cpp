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

std::optional<SessionListing> CommandContext::listSessions(const QString& description, int* status) const
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.process(arguments);
    if ((*status = refusePositionalArguments(parser)) != 0)
        return std::nullopt;
    SessionListing listing;
    listing.json = parser.isSet(QStringLiteral("json"));
    listing.store = openStore(store::Store::Access::ReadWrite);
    *status = 1;
    if (!listing.store)
        return std::nullopt;
    QString error;
    auto summaries = listing.store->sessionSummaries(&error);
    if (!summaries) {
        *status = fail(error);
        return std::nullopt;
    }
    listing.summaries = std::move(*summaries);
    *status = 0;
    return listing;
}

void CommandContext::printJson(const QJsonDocument& document) const
{
    out << QString::fromUtf8(document.toJson(QJsonDocument::Compact)) << Qt::endl;
}

} // namespace trailmark::cli
