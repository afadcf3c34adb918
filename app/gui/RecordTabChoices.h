#pragma once

#include "capture/SourceChoices.h"

#include <vector>

class QCheckBox;
class QVBoxLayout;
class QWidget;

namespace trailmark::capture {
struct SourceOption;
} // namespace trailmark::capture

namespace trailmark::gui {

// The Record tab's checkboxes for what the next recording captures, one per choice a
// capture source puts on the tab (SourceOption::recordTab), as last chosen.
class RecordTabChoices
{
public:
    // The checkboxes are owned by parent and added to layout.
    RecordTabChoices(QWidget* parent, QVBoxLayout* layout);

    void setEnabled(bool enabled);
    // Puts the boxes in the keyboard's tab order after previous; returns the last one
    // (previous when there are none), for the widget that follows.
    QWidget* chainTabOrder(QWidget* previous) const;
    // Remembers the boxes as the user's settings and returns every source's choices for
    // the recording about to start (the Settings' values and these boxes).
    capture::SourceChoices rememberForRecording() const;

private:
    struct Box
    {
        const capture::SourceOption* option = nullptr;
        QCheckBox* box = nullptr;
    };
    std::vector<Box> m_boxes;
};

} // namespace trailmark::gui
