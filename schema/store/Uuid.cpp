#include "store/Uuid.h"

#include <QRandomGenerator>

#include <array>

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

void writeText(const char* raw16, char* text36)
{
    // Every event read has one: two hex digits per byte from a table, at offsets fixed by
    // the 8-4-4-4-12 layout.
    static constexpr auto kPairs = [] {
        std::array<char, 512> pairs{};
        constexpr char kDigits[] = "0123456789abcdef";
        for (int byte = 0; byte < 256; ++byte) {
            pairs[static_cast<size_t>(2 * byte)] = kDigits[byte >> 4];
            pairs[static_cast<size_t>(2 * byte + 1)] = kDigits[byte & 0x0F];
        }
        return pairs;
    }();
    static constexpr int kOffsets[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    for (int i = 0; i < 16; ++i) {
        const char* pair = &kPairs[static_cast<size_t>(2 * static_cast<unsigned char>(raw16[i]))];
        text36[kOffsets[i]] = pair[0];
        text36[kOffsets[i] + 1] = pair[1];
    }
    text36[8] = text36[13] = text36[18] = text36[23] = '-';
}

std::string toStdText(const char* raw16)
{
    std::string text(36, '-');
    writeText(raw16, text.data());
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
