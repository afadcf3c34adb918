#pragma once

#include "gui/RecordingController.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStackedWidget;
class QStringListModel;
class QTimer;

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark {
namespace gui {

class RecordTabChoices;

// Where a recording is started and watched: the task prompt, start / pause / stop,
// the elapsed time, a live feed of what is being captured (the last few hundred
// events), and the one line of shell setup that makes commands show up.
class RecordPanel final : public QWidget
{
    Q_OBJECT

public:
    RecordPanel(store::Store& store, RecordingController& controller, QWidget* parent = nullptr);
    ~RecordPanel() override;

    // Lines in the live feed; older ones are dropped.
    static constexpr int kFeedLimit = 500;
    QStringList feedLines() const;

    // What the next recording is about (a campaign task picked in the Team tab); kept
    // while a recording runs.
    void setTask(const QString& task);

public Q_SLOTS:
    void startRecording();
    void askForNote();

private:
    void updateState();
    void updateElapsed();
    void readNewEvents();
    // The feed, or a line saying what will show up there while it is empty.
    void updateFeedHint();

    store::Store& m_store;
    RecordingController& m_controller;
    QLabel* m_headline = nullptr;
    QLabel* m_elapsed = nullptr;
    QLabel* m_storageBanner = nullptr; // shown while the database refuses writes
    QLineEdit* m_task = nullptr;
    std::unique_ptr<RecordTabChoices> m_choices; // what the next recording captures
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_note = nullptr;
    QPushButton* m_stop = nullptr;
    QListView* m_feed = nullptr;
    QLabel* m_feedHint = nullptr;
    QStackedWidget* m_feedStack = nullptr;
    QStringListModel* m_feedModel = nullptr;
    QGroupBox* m_shellSetup = nullptr;
    QComboBox* m_shell = nullptr;
    QLineEdit* m_shellLine = nullptr;
    QTimer* m_clock = nullptr;
    qint64 m_nextSeq = 0;
};

} // namespace gui
} // namespace trailmark
