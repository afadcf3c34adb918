#include "gui/RecordTabChoices.h"

#include "capture/SourceDeclaration.h"
#include "capture/SourceRegistry.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QVBoxLayout>

namespace trailmark::gui {

RecordTabChoices::RecordTabChoices(QWidget* parent, QVBoxLayout* layout)
{
    for (const capture::SourceDeclaration* source : capture::sources::all()) {
        for (const capture::SourceOption& option : source->options) {
            if (!option.onRecordTab())
                continue;
            auto* box = new QCheckBox(QCoreApplication::translate("CaptureSources", option.recordTab.label), parent);
            if (option.recordTab.tooltip != nullptr)
                box->setToolTip(QCoreApplication::translate("CaptureSources", option.recordTab.tooltip));
            if (option.recordTab.widgetName != nullptr)
                box->setObjectName(QLatin1String(option.recordTab.widgetName));
            box->setChecked(capture::savedValue(option).toBool());
            layout->addWidget(box);
            m_boxes.push_back({&option, box});
        }
    }
}

void RecordTabChoices::setEnabled(bool enabled)
{
    for (const Box& box : m_boxes)
        box.box->setEnabled(enabled);
}

QWidget* RecordTabChoices::chainTabOrder(QWidget* previous) const
{
    for (const Box& box : m_boxes) {
        QWidget::setTabOrder(previous, box.box);
        previous = box.box;
    }
    return previous;
}

capture::SourceChoices RecordTabChoices::rememberForRecording() const
{
    for (const Box& box : m_boxes)
        capture::saveValue(*box.option, box.box->isChecked());
    // Read after saving: the recorder gets exactly what the settings now hold.
    return capture::SourceChoices::fromSettings();
}

} // namespace trailmark::gui
