#pragma once

#include <QString>

#include <string>

namespace trailmark::v1 {
class GuiAction;
} // namespace trailmark::v1

namespace trailmark::chains {

class EventFamily;

// Actions inside GUI apps: each GuiAction event is a step of tool `computer`. Its call
// is Anthropic's computer-use action (left_click with a coordinate, type with text, key
// with xdotool key names); guiActionAsPyAutoGui() and guiActionAsOpenAi() give the
// same action in the other action spaces the computer-use export writes.
const EventFamily& guiFamily();

// OpenCUA / AgentNet-style pyautogui code with coordinates normalised to the screen:
// "pyautogui.click(x=0.5203, y=0.3125)". Empty when the action has nothing to replay
// (withheld text).
std::string guiActionAsPyAutoGui(const v1::GuiAction& action);
// Anthropic's computer tool input: {"action": "left_click", "coordinate": [x, y]}.
std::string guiActionAsAnthropic(const v1::GuiAction& action);
// OpenAI's computer-use action: {"type": "click", "button": "left", "x": .., "y": ..}.
std::string guiActionAsOpenAi(const v1::GuiAction& action);

} // namespace trailmark::chains
