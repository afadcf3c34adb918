#pragma once

#include "trailmark/v1/event.pb.h"

#include <string>

namespace trailmark::chains {

// A GUI action in the computer-use action spaces the exports write, from one table with a
// row per kind of action (GuiDialects.cpp), so a new kind is one row with its three forms.

// Anthropic's action name ("left_click", "key"): also the `kind` the exports' columns give.
const char* anthropicActionName(v1::GuiAction::Kind kind);
// Anthropic's computer tool input: {"action": "left_click", "coordinate": [x, y]}.
std::string guiActionAsAnthropic(const v1::GuiAction& action);
// OpenCUA / AgentNet-style pyautogui code with coordinates normalised to the screen:
// "pyautogui.click(x=0.5203, y=0.3125)". Empty when the action has nothing to replay
// (withheld text).
std::string guiActionAsPyAutoGui(const v1::GuiAction& action);
// OpenAI's computer-use actions, a JSON array: [{"type": "click", "button": "left", ...}].
std::string guiActionAsOpenAi(const v1::GuiAction& action);

} // namespace trailmark::chains
