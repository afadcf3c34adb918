#pragma once

namespace trailmark::chains {

class EventFamily;

// Window switches and titles: an AppSwitch opens a step, the TitleChanges that follow while
// that app stays active add to its titles (AppStep). Tool `switch_app`.
const EventFamily& windowFamily();

} // namespace trailmark::chains
