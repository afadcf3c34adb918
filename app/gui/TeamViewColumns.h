#pragma once

#include <Qt>

// The Team tab's trees: their columns and the data set on their items.
namespace trailmark::gui::teamcolumns {

enum SessionColumn
{
    SessionId, // shown as when it started; the id is the tooltip and the data
    SessionTask,
    SessionEvents,
    SessionState,
};

enum TaskColumn
{
    TaskTitle, // the instructions are its tooltip and data
    TaskCampaign,
    TaskSessions,
    TaskReviewers,
};

enum QueueColumn
{
    QueueSession,
    QueueExpert,
    QueueTask,
    QueueState,
    QueueUntil,
};

// Set on a local session that the team store says another expert recorded.
constexpr int kSomeoneElsesRole = Qt::UserRole + 1;

} // namespace trailmark::gui::teamcolumns
