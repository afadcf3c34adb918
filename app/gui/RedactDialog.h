#pragma once

#include "chains/Review.h"

#include <QDialog>

class QComboBox;
class QPlainTextEdit;

namespace trailmark::chains {
struct Step;
}

namespace trailmark::gui {

// Picks a span of one of a step's stored texts (command, output, note, title) for a
// reviewer redaction. Offsets are in bytes of the stored field, which is what the
// store rewrites; text that is not valid UTF-8 is shown byte for byte (Latin-1) so a
// selection still maps to exact bytes.
class RedactDialog final : public QDialog
{
    Q_OBJECT

public:
    using Span = chains::review::RedactionSpan;

    explicit RedactDialog(const chains::Step& step, QWidget* parent = nullptr);

    // The selected span, when there is one.
    std::optional<Span> span() const;
    // For tests and keyboard users: select bytes [offset, offset+length) of the field shown.
    void selectField(const QString& field);
    void selectText(int start, int length);

private:
    struct Field
    {
        QString eventId;
        QString name;
        QString label;
        std::string bytes;
        bool latin1 = false;
    };

    void showField(int index);

    std::vector<Field> m_fields;
    QComboBox* m_fieldChoice = nullptr;
    QComboBox* m_reason = nullptr;
    QPlainTextEdit* m_text = nullptr;
};

} // namespace trailmark::gui
