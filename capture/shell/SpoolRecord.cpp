#include "SpoolRecord.h"

#include <QRegularExpression>

namespace trailmark {
namespace {

bool unescapeBackslash(QByteArrayView field, QByteArray* out, QString* error)
{
    out->clear();
    out->reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        const char c = field[i];
        if (c != '\\') {
            out->append(c);
            continue;
        }
        if (i + 1 >= field.size()) {
            *error = QStringLiteral("backslash at the end of a field");
            return false;
        }
        switch (field[++i]) {
        case '\\':
            out->append('\\');
            break;
        case 'n':
            out->append('\n');
            break;
        case 't':
            out->append('\t');
            break;
        case 'r':
            out->append('\r');
            break;
        default:
            *error = QStringLiteral("unknown escape \\%1").arg(QLatin1Char(field[i]));
            return false;
        }
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool unescapePercent(QByteArrayView field, QByteArray* out, QString* error)
{
    out->clear();
    out->reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        const char c = field[i];
        if (c != '%') {
            out->append(c);
            continue;
        }
        const int high = i + 2 < field.size() ? hexValue(field[i + 1]) : -1;
        const int low = high >= 0 ? hexValue(field[i + 2]) : -1;
        if (low < 0) {
            *error = QStringLiteral("bad percent escape");
            return false;
        }
        out->append(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return true;
}

// At most the first 40 bytes of a field, for messages.
QString excerpt(QByteArrayView field)
{
    return QString::fromUtf8(field.first(std::min<qsizetype>(field.size(), 40)));
}

std::optional<qint64> parseInteger(QByteArrayView field)
{
    bool ok = false;
    const qint64 value = field.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

// "1764335400.123456" (or with ',') to nanoseconds.
std::optional<qint64> parseTime(QByteArrayView field)
{
    qsizetype dot = field.indexOf('.');
    if (dot < 0)
        dot = field.indexOf(',');
    const QByteArrayView whole = dot < 0 ? field : field.first(dot);
    QByteArrayView fraction = dot < 0 ? QByteArrayView() : field.sliced(dot + 1);
    if (whole.isEmpty() || whole.size() > 12)
        return std::nullopt;
    qint64 seconds = 0;
    for (char c : whole) {
        if (c < '0' || c > '9')
            return std::nullopt;
        seconds = seconds * 10 + (c - '0');
    }
    qint64 nanos = 0;
    int digits = 0;
    for (char c : fraction) {
        if (c < '0' || c > '9')
            return std::nullopt;
        if (digits < 9) {
            nanos = nanos * 10 + (c - '0');
            ++digits;
        }
    }
    for (; digits < 9; ++digits)
        nanos *= 10;
    return seconds * 1'000'000'000 + nanos;
}

} // namespace

std::optional<SpoolRecord> parseSpoolLine(QByteArrayView line, QString* error)
{
    QList<QByteArrayView> fields;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == '\t') {
            fields.append(line.sliced(start, i - start));
            start = i + 1;
        }
    }
    const QByteArrayView kindField = fields.first();
    const bool percent = kindField.size() == 2 && kindField[1] == '%';
    if (kindField.isEmpty() || kindField.size() > 2 || (kindField.size() == 2 && !percent)) {
        *error = QStringLiteral("unknown record kind");
        return std::nullopt;
    }
    const auto unescape = [&](QByteArrayView field, QByteArray* out, const char* what) {
        QString why;
        if (percent ? unescapePercent(field, out, &why) : unescapeBackslash(field, out, &why))
            return true;
        *error = QStringLiteral("%1: %2").arg(QLatin1String(what), why);
        return false;
    };
    const auto fieldCount = [&](qsizetype expected) {
        if (fields.size() == expected)
            return true;
        *error = QStringLiteral("expected %1 fields, found %2").arg(expected).arg(fields.size());
        return false;
    };
    const auto time = [&](QByteArrayView field, qint64* out) {
        const auto value = parseTime(field);
        if (!value) {
            *error = QStringLiteral("bad time '%1'").arg(excerpt(field));
            return false;
        }
        *out = *value;
        return true;
    };
    const auto commandId = [&](QByteArrayView field, QByteArray* out) {
        if (field.isEmpty() || field.size() > 200) {
            *error = QStringLiteral("bad command id");
            return false;
        }
        *out = field.toByteArray();
        return true;
    };

    SpoolRecord record;
    switch (kindField[0]) {
    case 'S':
        record.kind = SpoolRecord::Kind::Start;
        if (!fieldCount(5) || !commandId(fields[1], &record.commandId) || !time(fields[2], &record.timeNs) ||
            !unescape(fields[3], &record.cwd, "cwd") || !unescape(fields[4], &record.text, "command"))
            return std::nullopt;
        return record;
    case 'E': {
        record.kind = SpoolRecord::Kind::End;
        if (!fieldCount(6) || !commandId(fields[1], &record.commandId) || !time(fields[2], &record.timeNs))
            return std::nullopt;
        const auto exitCode = parseInteger(fields[3]);
        if (!exitCode || *exitCode < 0 || *exitCode > 255) {
            *error = QStringLiteral("bad exit status '%1'").arg(excerpt(fields[3]));
            return std::nullopt;
        }
        record.exitCode = static_cast<int>(*exitCode);
        if (!fields[4].isEmpty()) {
            for (const QByteArray& part : fields[4].toByteArray().split(' ')) {
                const auto status = parseInteger(part);
                if (!status || *status < 0 || *status > 255) {
                    *error = QStringLiteral("bad pipestatus '%1'").arg(excerpt(fields[4]));
                    return std::nullopt;
                }
                record.pipeStatus.append(static_cast<int>(*status));
            }
        }
        const auto duration = parseInteger(fields[5]);
        if (!duration || *duration < 0) {
            *error = QStringLiteral("bad duration '%1'").arg(excerpt(fields[5]));
            return std::nullopt;
        }
        record.durationNs = *duration * 1000;
        return record;
    }
    case 'N':
        record.kind = SpoolRecord::Kind::Note;
        if (!fieldCount(3) || !time(fields[1], &record.timeNs) || !unescape(fields[2], &record.text, "note"))
            return std::nullopt;
        return record;
    default:
        *error = QStringLiteral("unknown record kind");
        return std::nullopt;
    }
}

std::optional<SpoolFileName> parseSpoolFileName(const QString& fileName)
{
    static const QRegularExpression pattern(
        QStringLiteral("^((bash|zsh|fish)-([0-9]{1,10})-([0-9]{1,20}))\\.([0-9]{1,12})\\.spool$"));
    const QRegularExpressionMatch match = pattern.match(fileName);
    if (!match.hasMatch())
        return std::nullopt;
    SpoolFileName name;
    name.sessionId = match.captured(1);
    name.shell = match.captured(2);
    name.pid = match.captured(3).toLongLong();
    name.startUs = match.captured(4).toLongLong();
    name.generation = match.captured(5).toLongLong();
    return name;
}

} // namespace trailmark
