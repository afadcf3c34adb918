#pragma once

#include "chains/Step.h"

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

} // namespace trailmark::chains
