#pragma once

#include <QByteArrayView>

namespace trailmark::capture {

// The 64-bit hash in an imported record's key: FNV-1a over length-prefixed parts,
// finished with the splitmix64 mixer. The keys are stored in the database (table
// `imported`, see ImportLedger): this function must never change.
class ImportKeyHasher
{
public:
    ImportKeyHasher& add(QByteArrayView bytes);
    ImportKeyHasher& add(qint64 value);
    qint64 key() const;

private:
    void mixByte(unsigned char byte);
    quint64 m_state = 0xCBF29CE484222325ULL;
};

} // namespace trailmark::capture
