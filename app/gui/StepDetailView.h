#pragma once

#include <QWidget>

class QLabel;
class QTextBrowser;

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark {
namespace chains {
struct Step;
}
namespace gui {

// Everything about one step: the thought before it, the action, what it produced,
// error reasons, retry links, the screenshot, and every reviewer's annotations.
class StepDetailView final : public QWidget
{
    Q_OBJECT

public:
    explicit StepDetailView(store::Store& store, QWidget* parent = nullptr);

    void showStep(const chains::Step* step, qint64 sessionStartNs);
    QString plainText() const;

Q_SIGNALS:
    // A "#N" link in the text (retry of, recovered by) was followed.
    void stepLinkActivated(int index);

private:
    store::Store& m_store;
    QTextBrowser* m_text = nullptr;
    QLabel* m_screenshot = nullptr;
};

} // namespace gui
} // namespace trailmark
