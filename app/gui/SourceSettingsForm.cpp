#include "gui/SourceSettingsForm.h"

#include "capture/SourceDeclaration.h"
#include "capture/SourceRegistry.h"
#include "gui/SettingsFiles.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QKeySequenceEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace trailmark::gui {
namespace {

using Kind = capture::SourceOption::Kind;

QString translated(const char* text)
{
    return text != nullptr ? QCoreApplication::translate("CaptureSources", text) : QString();
}

// A folder list's name in messages: its row label without the colon.
QString entryName(const capture::SourceOption& option)
{
    QString name = translated(option.settings.label);
    if (name.endsWith(QLatin1Char(':')))
        name.chop(1);
    return name;
}

} // namespace

SourceSettingsForm::SourceSettingsForm(QWidget* parent, QFormLayout* form)
{
    for (const capture::SourceDeclaration* source : capture::sources::all()) {
        for (const capture::SourceOption& option : source->options) {
            if (!option.inSettings())
                continue;
            QWidget* editor = addRow(parent, form, option);
            if (option.settings.widgetName != nullptr)
                editor->setObjectName(QLatin1String(option.settings.widgetName));
            m_rows.push_back({&option, editor});
        }
    }
    for (const Row& row : m_rows)
        linkToSwitch(row);
}

QWidget* SourceSettingsForm::addRow(QWidget* parent, QFormLayout* form, const capture::SourceOption& option)
{
    const QString label = translated(option.settings.label);
    const QVariant saved = capture::savedValue(option);
    switch (option.kind) {
    case Kind::Switch: {
        auto* box = new QCheckBox(label, parent);
        box->setChecked(saved.toBool());
        form->addRow(QString(), box);
        return box;
    }
    case Kind::KeySequence: {
        auto* edit = new QKeySequenceEdit(QKeySequence(saved.toString()), parent);
        form->addRow(label, edit);
        return edit;
    }
    case Kind::Number: {
        auto* spin = new QSpinBox(parent);
        spin->setRange(option.minimum, option.maximum);
        spin->setValue(saved.toInt());
        form->addRow(label, spin);
        return spin;
    }
    case Kind::DirectoryList:
    case Kind::RuleFile:
        break;
    }
    auto* edit = new QPlainTextEdit(parent);
    edit->setPlainText(option.kind == Kind::RuleFile ? settingsfiles::readRuleFile(option.rulePath())
                                                     : saved.toStringList().join(QLatin1Char('\n')));
    edit->setPlaceholderText(translated(option.settings.hint));
    edit->setMaximumHeight(60);
    form->addRow(label, edit);
    return edit;
}

// An entry that only matters while a switch is on is greyed out while it is off.
void SourceSettingsForm::linkToSwitch(const Row& row)
{
    if (row.option->enabledBy == nullptr)
        return;
    for (const Row& other : m_rows) {
        auto* box = qobject_cast<QCheckBox*>(other.editor);
        if (box == nullptr || QLatin1String(other.option->id) != QLatin1String(row.option->enabledBy))
            continue;
        QObject::connect(box, &QCheckBox::toggled, row.editor, &QWidget::setEnabled);
        row.editor->setEnabled(box->isChecked());
    }
}

bool SourceSettingsForm::check(QString* error) const
{
    // Rule files first, then folders, so the first problem named is the one that would
    // stop a recording.
    for (const Row& row : m_rows) {
        if (row.option->kind == Kind::RuleFile &&
            !settingsfiles::checkRules(static_cast<QPlainTextEdit*>(row.editor)->toPlainText(), row.option->rulePath(),
                                       row.option->checkRules, error))
            return false;
    }
    for (const Row& row : m_rows) {
        if (row.option->kind == Kind::DirectoryList &&
            !settingsfiles::folderList(static_cast<QPlainTextEdit*>(row.editor)->toPlainText(), entryName(*row.option),
                                       error))
            return false;
    }
    return true;
}

bool SourceSettingsForm::save(QString* error) const
{
    // The rule files first: a settings value saved beside a file that could not be
    // written would be half a change.
    for (const Row& row : m_rows) {
        if (row.option->kind == Kind::RuleFile &&
            !settingsfiles::writeRuleFile(row.option->rulePath(),
                                          static_cast<QPlainTextEdit*>(row.editor)->toPlainText(), error))
            return false;
    }
    for (const Row& row : m_rows) {
        const std::optional<QVariant> value = valueOf(row, error);
        if (!value)
            return false;
        capture::saveValue(*row.option, *value);
    }
    return true;
}

std::optional<QVariant> SourceSettingsForm::valueOf(const Row& row, QString* error)
{
    switch (row.option->kind) {
    case Kind::Switch:
        return static_cast<QCheckBox*>(row.editor)->isChecked();
    case Kind::KeySequence:
        return static_cast<QKeySequenceEdit*>(row.editor)->keySequence().toString(QKeySequence::PortableText);
    case Kind::Number:
        return static_cast<QSpinBox*>(row.editor)->value();
    case Kind::DirectoryList: {
        const auto folders = settingsfiles::folderList(static_cast<QPlainTextEdit*>(row.editor)->toPlainText(),
                                                       entryName(*row.option), error);
        return folders ? std::optional<QVariant>(*folders) : std::nullopt;
    }
    case Kind::RuleFile:
        break;
    }
    return QVariant(); // not a settings value: saveValue() skips it
}

} // namespace trailmark::gui
