#include "store/Uuid.h"

#include <QRandomGenerator>

namespace trailmark::store {

QByteArray UuidV7Generator::next(qint64 unixMs)
{
    if (unixMs > m_lastMs) {
        m_lastMs = unixMs;
        // Start the counter in the lower half so a burst within one millisecond has
        // room to count up before it has to borrow the next millisecond.
        m_counter = QRandomGenerator::global()->bounded(0x800u);
    } else if (++m_counter > 0xFFF) {
        ++m_lastMs; // counter exhausted: borrow the next millisecond, keeping order
        m_counter = 0;
    }

    QByteArray raw(16, Qt::Uninitialized);
    auto* bytes = reinterpret_cast<unsigned char*>(raw.data());
    const auto ms = static_cast<quint64>(m_lastMs);
    for (int i = 0; i < 6; ++i)
        bytes[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
    bytes[6] = static_cast<unsigned char>(0x70 | ((m_counter >> 8) & 0x0F));
    bytes[7] = static_cast<unsigned char>(m_counter & 0xFF);
    const quint64 random = QRandomGenerator::global()->generate64();
    for (int i = 0; i < 8; ++i)
        bytes[8 + i] = static_cast<unsigned char>(random >> (56 - 8 * i));
    bytes[8] = static_cast<unsigned char>(0x80 | (bytes[8] & 0x3F)); // RFC 9562 variant
    return raw;
}

namespace uuid {

std::string toStdText(const char* raw16)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(36, '-');
    int out = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            ++out; // keep the dash
        const auto byte = static_cast<unsigned char>(raw16[i]);
        text[static_cast<size_t>(out++)] = kDigits[byte >> 4];
        text[static_cast<size_t>(out++)] = kDigits[byte & 0x0F];
    }
    return text;
}

QString toText(const QByteArray& raw)
{
    if (raw.size() != 16)
        return {};
    return QString::fromLatin1(toStdText(raw.constData()));
}

QByteArray fromText(QStringView text)
{
    if (text.size() != 36)
        return {};
    QByteArray hex;
    hex.reserve(32);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != QLatin1Char('-'))
                return {};
            continue;
        }
        if (!isxdigit(c.unicode()) || c.unicode() > 0x7F)
            return {};
        hex += static_cast<char>(c.toLower().unicode());
    }
    return QByteArray::fromHex(hex);
}

qint64 unixMs(const QByteArray& raw)
{
    if (raw.size() != 16)
        return 0;
    quint64 ms = 0;
    for (int i = 0; i < 6; ++i)
        ms = (ms << 8) | static_cast<unsigned char>(raw.at(i));
    return static_cast<qint64>(ms);
}

} // namespace uuid
} // namespace trailmark::store
