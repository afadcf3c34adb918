#include "chains/families/PresentingFacet.h"
#include "chains/families/edit/EditFamily.h"
#include "chains/families/edit/EditStep.h"
#include "chains/families/edit/UnifiedDiff.h"

#include <QJsonArray>
#include <QJsonObject>

namespace trailmark::chains {
namespace {

// Files named in one line of `show` or the live feed.
constexpr int kFilesNamed = 5;

// "src/io.c (+3 −1)", "notes.txt (created, +12)", ".env (modified, content withheld)".
QString changeSummary(const v1::FileChange& change, const std::vector<unidiff::FileDiff>& files)
{
    QStringList facts;
    if (change.kind() == v1::FileChange::KIND_RENAMED)
        facts.append(QStringLiteral("renamed from %1").arg(QString::fromStdString(change.old_path())));
    else if (change.kind() != v1::FileChange::KIND_MODIFIED)
        facts.append(QString::fromLatin1(kindName(change.kind())));
    if (const QString why = withoutDiff(change); !why.isEmpty()) {
        if (facts.isEmpty())
            facts.append(QStringLiteral("modified"));
        facts.append(why);
    } else if (const unidiff::FileDiff* file = diffOf(files, change)) {
        QString counts;
        if (file->added > 0)
            counts += QStringLiteral("+%1").arg(file->added);
        if (file->removed > 0)
            counts += (counts.isEmpty() ? QString() : QStringLiteral(" ")) + QStringLiteral("−%1").arg(file->removed);
        if (!counts.isEmpty())
            facts.append(counts);
    }
    if (change.diff_truncated())
        facts.append(QStringLiteral("diff cut at the cap"));
    const QString path = QString::fromStdString(change.path());
    return facts.isEmpty() ? path : QStringLiteral("%1 (%2)").arg(path, facts.join(QStringLiteral(", ")));
}

QString filesLine(const EditStep& edit)
{
    const std::vector<unidiff::FileDiff> files = unidiff::parse(edit.diff);
    QStringList named;
    for (const v1::FileChange& change : edit.changes) {
        if (named.size() == kFilesNamed)
            break;
        named.append(changeSummary(change, files));
    }
    const qint64 more = static_cast<qint64>(edit.filesChanged) - named.size();
    if (more > 0)
        named.append(QStringLiteral("%1 more").arg(more));
    return named.join(QStringLiteral(", "));
}

class EditPresenting final : public PresentingFacet
{
public:
    QString describeEvent(const v1::Event& event) const override
    {
        EditStep edit;
        merge(edit, event.file_edit());
        return event.file_edit().command_effects()
                   ? QStringLiteral("  ↳ changed %1 file(s): %2").arg(edit.filesChanged).arg(filesLine(edit))
                   : QStringLiteral("edited %1").arg(filesLine(edit));
    }
    bool observationIsDiff() const override { return true; }
    TimelineLane lane(const Step&) const override { return {QStringLiteral("edits"), QStringLiteral("edits")}; }
    quint32 color(StepOutcome) const override { return 0xb5651d; }
    QString showOutcome(const Step& step) const override { return toString(step.outcome); }
    QStringList showDetails(const Step& step) const override
    {
        return {QStringLiteral("files: ") + filesLine(editOf(step))};
    }
    QStringList detailFacts(const Step& step) const override
    {
        const EditStep& edit = editOf(step);
        QStringList facts{QStringLiteral("in %1").arg(utf8Text(edit.workTree))};
        if (!edit.appClass.empty())
            facts.append(QStringLiteral("saved in %1").arg(utf8Text(edit.appClass)));
        facts.append(QStringLiteral("%1 file(s)").arg(edit.filesChanged));
        return facts;
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        return {{0, QStringLiteral("diff"), QStringLiteral("Diff"), editOf(step).diff}};
    }

    QStringList effectLines(const Step& step) const override
    {
        const EditStep* edit = step.effectsAs<EditStep>();
        if (!edit)
            return {};
        return {QStringLiteral("changed %1 file(s): %2").arg(edit->filesChanged).arg(filesLine(*edit))};
    }
    std::vector<RedactableText> effectTexts(const Step& step) const override
    {
        const EditStep* edit = step.effectsAs<EditStep>();
        if (!edit || edit->diff.empty())
            return {};
        // Spans are offsets into one event's diff: the first FileEdit the step holds
        // (a command writing into two work trees has a second, rarely).
        return {{edit->firstEventIndex, QStringLiteral("diff"), QStringLiteral("Files changed"),
                 edit->diff.substr(0, edit->firstDiffSize)}};
    }

    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const EditStep* edit = editsOf(step);
        QJsonArray changes;
        if (edit) {
            for (const v1::FileChange& change : edit->changes)
                changes.append(QJsonObject{{QStringLiteral("path"), QString::fromStdString(change.path())},
                                           {QStringLiteral("kind"), QString::fromLatin1(kindName(change.kind()))}});
        }
        object.insert(QStringLiteral("file_changes"), edit ? QJsonValue(changes) : QJsonValue());
        object.insert(QStringLiteral("diff"), edit ? QJsonValue(utf8Text(edit->diff)) : QJsonValue());
    }
};

} // namespace

const PresentingFacet& editPresenting()
{
    static const EditPresenting facet;
    return facet;
}

} // namespace trailmark::chains
