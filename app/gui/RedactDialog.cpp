#include "gui/RedactDialog.h"

#include "chains/Step.h"
#include "chains/families/PresentingFacet.h"
#include "store/Utf8.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCursor>
#include <QVBoxLayout>

namespace trailmark::gui {

RedactDialog::RedactDialog(const chains::Step& step, QWidget* parent)
    : QDialog(parent)
    , m_fieldChoice(new QComboBox(this))
    , m_reason(new QComboBox(this))
    , m_text(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Redact part of step #%1").arg(step.index));
    resize(640, 420);

    const auto eventIdAt = [&step](size_t index) {
        return index < step.eventIds.size() ? QString::fromStdString(step.eventIds[index]) : QString();
    };
    const auto add = [this](const QString& eventId, const QString& name, const QString& label, std::string bytes) {
        if (eventId.isEmpty() || bytes.empty())
            return;
        m_fields.push_back({eventId, name, label, std::move(bytes), false});
        m_fields.back().latin1 = !store::isValidUtf8(m_fields.back().bytes);
    };
    for (chains::RedactableText& text : chains::families::presenting(step).redactableTexts(step))
        add(eventIdAt(text.eventIndex), text.field, text.label, std::move(text.bytes));
    if (step.effectsFamily) {
        for (chains::RedactableText& text : chains::families::presenting(*step.effectsFamily).effectTexts(step))
            add(eventIdAt(text.eventIndex), text.field, text.label, std::move(text.bytes));
    }
    for (const Field& field : m_fields)
        m_fieldChoice->addItem(field.label);
    m_reason->addItem(tr("secret"), QStringLiteral("secret"));
    m_reason->addItem(tr("personal"), QStringLiteral("personal"));
    m_reason->addItem(tr("irrelevant"), QStringLiteral("irrelevant"));
    m_text->setReadOnly(true);
    m_text->setObjectName(QStringLiteral("redactText"));
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);

    auto* form = new QFormLayout;
    form->addRow(tr("Text:"), m_fieldChoice);
    form->addRow(tr("Reason:"), m_reason);
    auto* help = new QLabel(tr("Select the part to remove. It is replaced by [REDACTED:reviewer] in the database "
                               "itself, and the redaction is recorded with your name."),
                            this);
    help->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    auto* redact = buttons->addButton(tr("Redact selection"), QDialogButtonBox::AcceptRole);
    redact->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(help);
    layout->addWidget(m_text);
    layout->addWidget(buttons);

    connect(m_fieldChoice, &QComboBox::currentIndexChanged, this, &RedactDialog::showField);
    connect(m_text, &QPlainTextEdit::selectionChanged, this,
            [this, redact] { redact->setEnabled(m_text->textCursor().hasSelection()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_fields.empty())
        m_text->setPlaceholderText(tr("This step has no stored text to redact."));
    else
        showField(0);
}

void RedactDialog::showField(int index)
{
    if (index < 0 || static_cast<size_t>(index) >= m_fields.size())
        return;
    const Field& field = m_fields[static_cast<size_t>(index)];
    const auto size = static_cast<qsizetype>(field.bytes.size());
    m_text->setPlainText(field.latin1 ? QString::fromLatin1(field.bytes.data(), size)
                                      : QString::fromUtf8(field.bytes.data(), size));
}

void RedactDialog::selectField(const QString& name)
{
    for (size_t i = 0; i < m_fields.size(); ++i)
        if (m_fields[i].name == name)
            m_fieldChoice->setCurrentIndex(static_cast<int>(i));
}

void RedactDialog::selectText(int start, int length)
{
    QTextCursor cursor = m_text->textCursor();
    cursor.setPosition(start);
    cursor.setPosition(start + length, QTextCursor::KeepAnchor);
    m_text->setTextCursor(cursor);
}

std::optional<RedactDialog::Span> RedactDialog::span() const
{
    const int index = m_fieldChoice->currentIndex();
    const QTextCursor cursor = m_text->textCursor();
    if (index < 0 || static_cast<size_t>(index) >= m_fields.size() || !cursor.hasSelection())
        return std::nullopt;
    const Field& field = m_fields[static_cast<size_t>(index)];
    // QPlainTextEdit counts UTF-16 units (and turns newlines into paragraph breaks of
    // one unit each, as the text has them), so convert the text before each end back
    // to the field's encoding to get byte offsets.
    const QString text = m_text->toPlainText();
    const auto bytesBefore = [&](int position) {
        const QString prefix = text.left(position);
        return static_cast<quint32>(field.latin1 ? prefix.toLatin1().size() : prefix.toUtf8().size());
    };
    const quint32 start = bytesBefore(cursor.selectionStart());
    const quint32 end = bytesBefore(cursor.selectionEnd());
    return Span{field.eventId, field.name, start, end - start, m_reason->currentData().toString()};
}

} // namespace trailmark::gui
