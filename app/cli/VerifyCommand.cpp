#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/Verifier.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {

int runVerify(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check the database without changing it: SQLite integrity, every payload, gapless event order, references "
        "and blob hashes. Exits 1 when a problem is found."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.process(context.arguments);

    // Verifying must not change what it checks: open read-only, except that a database
    // that does not exist yet is created (empty and valid) like every command does.
    const bool exists = QFileInfo::exists(context.databasePath);
    auto store = context.openStore(exists ? store::Store::Access::ReadOnly : store::Store::Access::ReadWrite);
    if (!store)
        return 1;
    const store::VerifyReport report = store::Verifier(*store).run();

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray problems;
        for (const auto& problem : report.problems)
            problems.append(QJsonObject{{QStringLiteral("what"), problem.what},
                                        {QStringLiteral("where"), problem.where},
                                        {QStringLiteral("detail"), problem.detail}});
        context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("database"), store->path()},
                                                    {QStringLiteral("ok"), report.isClean()},
                                                    {QStringLiteral("sessions"), report.sessions},
                                                    {QStringLiteral("events"), report.events},
                                                    {QStringLiteral("annotations"), report.annotations},
                                                    {QStringLiteral("blobs"), report.blobs},
                                                    {QStringLiteral("problems"), problems}}));
    } else {
        for (const auto& problem : report.problems)
            context.out << problem.what << "  " << problem.where << "  " << problem.detail << '\n';
        context.out << store->path() << ": " << report.sessions << " sessions, " << report.events << " events, "
                    << report.annotations << " annotations, " << report.blobs << " blobs: "
                    << (report.isClean() ? QStringLiteral("ok")
                                         : QStringLiteral("%1 problem(s)").arg(report.problems.size()))
                    << '\n';
    }
    return report.isClean() ? 0 : 1;
}

} // namespace trailmark::cli
