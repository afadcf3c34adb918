#pragma once

#include <QByteArrayView>

#include <optional>

namespace trailmark::capture {

// The value of 1 to maxDigits ASCII digits (at most 18, so it cannot overflow), and
// nothing else: no sign, no spaces. Parsers of shell files use it instead of
// QByteArrayView::toLongLong(), which takes surrounding spaces and stops at an embedded
// NUL (the fuzzer found "123\0garbage" read as 123).
inline std::optional<qint64> parseDigits(QByteArrayView digits, qsizetype maxDigits = 18)
{
    if (digits.isEmpty() || digits.size() > maxDigits || digits.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

} // namespace trailmark::capture
