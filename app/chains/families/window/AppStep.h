#pragma once

#include "chains/Step.h"
#include "chains/families/Utf8Text.h"

#include <QString>
#include <QStringList>

namespace trailmark::chains {

// The app the expert switched to and the titles seen while it stayed active.
struct AppStep final : StepDetailOf<AppStep>
{
    QString appClass;
    QString appInstance;
    bool excluded = false;
    // The title at the switch, then every change.
    QStringList titles;
};

// The detail of a step of the window family.
inline const AppStep& appOf(const Step& step)
{
    return *step.as<AppStep>();
}

} // namespace trailmark::chains
