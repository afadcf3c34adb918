#pragma once

#include <QJsonObject>

namespace trailmark::chains {

struct Step;
struct Trajectory;

// Steps as JSON objects for `trailmark show --json`: every key on every step (null when
// it does not apply), texts as strings, and the exact bytes as base64 next to any text
// that was not valid UTF-8.
QJsonObject stepToJson(const Step& step);
QJsonObject trajectoryToJson(const Trajectory& trajectory);

} // namespace trailmark::chains
