// Build tool: renders the scalable app icon to a PNG of one size, so the hicolor PNG
// sizes are generated in the build tree from the SVG rather than kept as binaries.
//
//   trailmark_render_icon SOURCE.svg OUTPUT.png SIZE

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char* argv[])
{
    QGuiApplication application(argc, argv);
    const QStringList arguments = QGuiApplication::arguments();
    if (arguments.size() != 4) {
        std::fputs("usage: trailmark_render_icon SOURCE.svg OUTPUT.png SIZE\n", stderr);
        return 2;
    }
    QSvgRenderer renderer(arguments.at(1));
    const int size = arguments.at(3).toInt();
    if (!renderer.isValid() || size <= 0) {
        std::fprintf(stderr, "trailmark_render_icon: cannot render %s at %d px\n", qPrintable(arguments.at(1)), size);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter);
    painter.end();
    if (!image.save(arguments.at(2), "PNG")) {
        std::fprintf(stderr, "trailmark_render_icon: cannot write %s\n", qPrintable(arguments.at(2)));
        return 1;
    }
    return 0;
}
