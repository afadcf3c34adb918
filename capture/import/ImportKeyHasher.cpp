#include "capture/import/ImportKeyHasher.h"

namespace trailmark::capture {

ImportKeyHasher& ImportKeyHasher::add(QByteArrayView bytes)
{
    add(static_cast<qint64>(bytes.size()));
    for (char byte : bytes)
        mixByte(static_cast<unsigned char>(byte));
    return *this;
}

ImportKeyHasher& ImportKeyHasher::add(qint64 value)
{
    for (int shift = 0; shift < 64; shift += 8)
        mixByte(static_cast<unsigned char>(static_cast<quint64>(value) >> shift));
    return *this;
}

qint64 ImportKeyHasher::key() const
{
    quint64 z = m_state + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<qint64>(z ^ (z >> 31));
}

void ImportKeyHasher::mixByte(unsigned char byte)
{
    m_state ^= byte;
    m_state *= 0x100000001B3ULL;
}

} // namespace trailmark::capture
