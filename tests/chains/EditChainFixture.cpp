#include "EditChainFixture.h"

#include "capture/edit/GitWorkTree.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

namespace trailmark::test {
namespace {

v1::FileChange::Kind kindOf(const FileText& file)
{
    if (!file.oldPath.isEmpty())
        return v1::FileChange::KIND_RENAMED;
    if (!file.before)
        return v1::FileChange::KIND_CREATED;
    if (!file.after)
        return v1::FileChange::KIND_DELETED;
    return v1::FileChange::KIND_MODIFIED;
}

} // namespace

v1::Event fileEdit(const QList<FileText>& files, const std::string& commandId, bool effects)
{
    v1::Event event;
    v1::FileEdit* edit = event.mutable_file_edit();
    edit->set_work_tree("/home/ada/src/stock");
    edit->set_command_id(commandId);
    edit->set_command_effects(effects);
    if (commandId.empty())
        edit->set_app_class("gedit");
    std::string diff;
    for (const FileText& file : files) {
        v1::FileChange* change = edit->add_changes();
        change->set_path(file.path.toStdString());
        change->set_kind(kindOf(file));
        change->set_old_path(file.oldPath.toStdString());
        change->set_size_before(file.before ? static_cast<quint64>(file.before->size()) : 0);
        change->set_size_after(file.after ? static_cast<quint64>(file.after->size()) : 0);
        if (file.path.endsWith(QLatin1String(".env"))) {
            change->set_content_withheld(true);
            continue;
        }
        const QByteArray part = capture::unifiedDiff(file.before, file.after,
                                                     file.oldPath.isEmpty() ? file.path : file.oldPath, file.path, 3);
        diff.append(part.constData(), static_cast<size_t>(part.size()));
    }
    edit->set_files_changed(static_cast<quint32>(files.size()));
    edit->set_diff(diff);
    return event;
}

QByteArray numberedLines(int count, const char* pattern)
{
    QByteArray text;
    for (int i = 1; i <= count; ++i)
        text += QByteArray(pattern).replace("%1", QByteArray::number(i)) + '\n';
    return text;
}

// Does what a str_replace editor does with the calls: `create` writes the file,
// `str_replace` needs old_str exactly once. Returns the error a real editor would give.
QString replay(QMap<QString, QByteArray>& tree, const std::vector<exportutil::ChatCall>& calls)
{
    for (const auto& call : calls) {
        const QJsonObject arguments = QJsonDocument::fromJson(QByteArray::fromStdString(call.arguments)).object();
        if (call.tool == "shell") {
            // Only what the edit family emits: rm -- 'P' and mv -- 'A' 'B'.
            const QStringList words = arguments.value(QStringLiteral("command")).toString().split(QLatin1Char(' '));
            const auto unquoted = [](QString word) {
                return word.mid(1, word.size() - 2);
            };
            if (words.value(0) == QLatin1String("rm"))
                tree.remove(unquoted(words.value(2)));
            else if (words.value(0) == QLatin1String("mv"))
                tree.insert(unquoted(words.value(3)), tree.take(unquoted(words.value(2))));
            else
                return QStringLiteral("unexpected shell call %1").arg(QString::fromStdString(call.arguments));
            continue;
        }
        if (call.tool != "str_replace_editor")
            return QStringLiteral("unexpected tool %1")
                .arg(QString::fromLatin1(call.tool.data(), qsizetype(call.tool.size())));
        const QString path = arguments.value(QStringLiteral("path")).toString();
        const QString command = arguments.value(QStringLiteral("command")).toString();
        if (command == QLatin1String("create")) {
            tree.insert(path, arguments.value(QStringLiteral("file_text")).toString().toUtf8());
            continue;
        }
        if (command != QLatin1String("str_replace") || !tree.contains(path))
            return QStringLiteral("bad call %1").arg(QString::fromStdString(call.arguments));
        const QByteArray oldText = arguments.value(QStringLiteral("old_str")).toString().toUtf8();
        const QByteArray newText = arguments.value(QStringLiteral("new_str")).toString().toUtf8();
        QByteArray& content = tree[path];
        if (oldText.isEmpty() || content.count(oldText) != 1)
            return QStringLiteral("old_str occurs %1 times in %2").arg(content.count(oldText)).arg(path);
        content.replace(content.indexOf(oldText), oldText.size(), newText);
    }
    return {};
}

} // namespace trailmark::test

void EditChainFixture::init()
{
    m_store.reset();
    m_store = m_database.open();
    QVERIFY(m_store);
}

std::optional<Trajectory> EditChainFixture::load(const QString& sessionId)
{
    QString error;
    auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    if (!trajectory)
        qWarning("%s", qPrintable(error));
    return trajectory;
}

EditChainFixture::Cli EditChainFixture::trailmark(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), m_database.path()} + arguments);
    Cli result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}
