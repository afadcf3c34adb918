// A small real Qt 6 form for the GUI action tests: a name field, a password field, a
// slider, a long list, a Save button (also Ctrl+S), and a Check button that fails the
// first time with an error dialog and works the second. It prints one JSON line when it
// is shown (the screen centre of each widget, so the test knows where to click) and one
// on every save (what the form holds), so a replayed session can be compared with the
// recorded one.
#include <QApplication>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTimer>
#include <QWidget>

#include <cstdio>

namespace {

QJsonArray centre(const QWidget* widget)
{
    const QPoint point = widget->mapToGlobal(widget->rect().center());
    return QJsonArray{point.x(), point.y()};
}

void print(const QJsonObject& object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QWidget window;
    window.setWindowTitle(QStringLiteral("Trailmark Qt Form"));
    auto* layout = new QGridLayout(&window);
    auto* name = new QLineEdit(&window);
    name->setAccessibleName(QStringLiteral("Name"));
    auto* password = new QLineEdit(&window);
    password->setEchoMode(QLineEdit::Password);
    password->setAccessibleName(QStringLiteral("Password"));
    auto* volume = new QSlider(Qt::Horizontal, &window);
    volume->setAccessibleName(QStringLiteral("Volume"));
    volume->setRange(0, 100);
    volume->setMinimumWidth(300);
    auto* items = new QListWidget(&window);
    items->setAccessibleName(QStringLiteral("Items"));
    for (int i = 1; i <= 200; ++i)
        items->addItem(QStringLiteral("Item %1").arg(i));
    auto* save = new QPushButton(QStringLiteral("Save"), &window);
    auto* check = new QPushButton(QStringLiteral("Check"), &window);
    layout->addWidget(new QLabel(QStringLiteral("Name"), &window), 0, 0);
    layout->addWidget(name, 0, 1);
    layout->addWidget(new QLabel(QStringLiteral("Password"), &window), 1, 0);
    layout->addWidget(password, 1, 1);
    layout->addWidget(new QLabel(QStringLiteral("Volume"), &window), 2, 0);
    layout->addWidget(volume, 2, 1);
    layout->addWidget(items, 3, 0, 1, 2);
    layout->addWidget(save, 4, 1);
    layout->addWidget(check, 5, 1);
    window.resize(520, 480);

    int saves = 0;
    const auto saveForm = [&] {
        ++saves;
        print(QJsonObject{{QStringLiteral("event"), QStringLiteral("saved")},
                          {QStringLiteral("name"), name->text()},
                          {QStringLiteral("password_length"), password->text().size()},
                          {QStringLiteral("volume"), volume->value()},
                          {QStringLiteral("scroll"), items->verticalScrollBar()->value()},
                          {QStringLiteral("saves"), saves}});
    };
    QObject::connect(save, &QPushButton::clicked, &window, saveForm);
    auto* shortcut = new QShortcut(QKeySequence(QStringLiteral("Ctrl+S")), &window);
    QObject::connect(shortcut, &QShortcut::activated, &window, saveForm);

    int checks = 0;
    QObject::connect(check, &QPushButton::clicked, &window, [&] {
        if (++checks > 1) {
            print(QJsonObject{{QStringLiteral("event"), QStringLiteral("checked")}});
            return;
        }
        auto* box = new QMessageBox(QMessageBox::Critical, QStringLiteral("Error"),
                                    QStringLiteral("Could not check the name: the server did not answer."),
                                    QMessageBox::Ok, &window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        QTimer::singleShot(700, box, [box] {
            print(QJsonObject{{QStringLiteral("event"), QStringLiteral("dialog")},
                              {QStringLiteral("ok"), centre(box->button(QMessageBox::Ok))}});
        });
    });

    window.show();
    // Once the window manager has placed it, say where everything is.
    QTimer::singleShot(700, &window, [&] {
        QStyleOptionSlider option;
        option.initFrom(volume);
        option.orientation = Qt::Horizontal;
        option.minimum = volume->minimum();
        option.maximum = volume->maximum();
        option.sliderPosition = volume->value();
        option.sliderValue = volume->value();
        const QRect handle =
            volume->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, volume);
        const QPoint handleCentre = volume->mapToGlobal(handle.center());
        const QPoint trackEnd = volume->mapToGlobal(QPoint(volume->width() * 3 / 4, volume->height() / 2));
        print(QJsonObject{{QStringLiteral("event"), QStringLiteral("ready")},
                          {QStringLiteral("name"), centre(name)},
                          {QStringLiteral("password"), centre(password)},
                          {QStringLiteral("save"), centre(save)},
                          {QStringLiteral("check"), centre(check)},
                          {QStringLiteral("items"), centre(items)},
                          {QStringLiteral("slider_handle"), QJsonArray{handleCentre.x(), handleCentre.y()}},
                          {QStringLiteral("slider_target"), QJsonArray{trackEnd.x(), trackEnd.y()}}});
    });
    return app.exec();
}
