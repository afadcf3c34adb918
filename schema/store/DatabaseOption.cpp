#include "store/DatabaseOption.h"

#include "store/PrivateFiles.h"

namespace trailmark::store::paths {

QString takeDatabaseOption(QStringList& arguments, QString* error)
{
    QString path;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (argument == QLatin1String("--"))
            break;
        if (argument == QLatin1String("--db")) {
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("--db needs a path");
                return {};
            }
            path = arguments.at(i + 1);
            arguments.remove(i, 2);
            --i;
        } else if (argument.startsWith(QLatin1String("--db="))) {
            path = argument.mid(5);
            arguments.remove(i);
            --i;
        }
    }
    return path.isEmpty() ? paths::defaultDatabase() : path;
}

} // namespace trailmark::store::paths
