#include "capture/shell/SpoolRecord.h"

#include "capture/Digits.h"

#include <QRegularExpression>

#include <limits>

namespace trailmark::capture {
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

// At most the first 40 bytes of a field, for messages; control bytes shown as \xNN so
// the message stays one printable line in a terminal or a log.
QString excerpt(QByteArrayView field)
{
    const QString decoded = QString::fromUtf8(field.first(std::min<qsizetype>(field.size(), 40)));
    QString text;
    for (const QChar c : decoded) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            text += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            text += c;
    }
    return text;
}

// Strictly "-?[0-9]{1,18}" (see parseDigits).
std::optional<qint64> parseInteger(QByteArrayView field)
{
    const bool negative = field.startsWith('-');
    const auto value = parseDigits(negative ? field.sliced(1) : field);
    if (!value)
        return std::nullopt;
    return negative ? -*value : *value;
}

// "1764335400.123456" (or with ',') to nanoseconds.
std::optional<qint64> parseTime(QByteArrayView field)
{
    qsizetype dot = field.indexOf('.');
    if (dot < 0)
        dot = field.indexOf(',');
    const QByteArrayView whole = dot < 0 ? field : field.first(dot);
    QByteArrayView fraction = dot < 0 ? QByteArrayView() : field.sliced(dot + 1);
    const auto wholeSeconds = parseDigits(whole, 12);
    if (!wholeSeconds)
        return std::nullopt;
    const qint64 seconds = *wholeSeconds;
    // Nanoseconds must fit in int64: times after 2262 are not real shell times (the
    // fuzzer found 12-digit seconds overflowing the multiplication below).
    constexpr qint64 kMaxSeconds = std::numeric_limits<qint64>::max() / 1'000'000'000 - 1;
    if (seconds > kMaxSeconds)
        return std::nullopt;
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

// <exit> and <pipestatus> of an end record.
bool exitAndPipe(QByteArrayView exitField, QByteArrayView pipeField, SpoolRecord* record, QString* error)
{
    const auto exitCode = parseInteger(exitField);
    if (!exitCode || *exitCode < 0 || *exitCode > 255) {
        *error = QStringLiteral("bad exit status '%1'").arg(excerpt(exitField));
        return false;
    }
    record->exitCode = static_cast<int>(*exitCode);
    if (!pipeField.isEmpty()) {
        for (const QByteArray& part : pipeField.toByteArray().split(' ')) {
            const auto status = parseInteger(part);
            if (!status || *status < 0 || *status > 255) {
                *error = QStringLiteral("bad pipestatus '%1'").arg(excerpt(pipeField));
                return false;
            }
            record->pipeStatus.append(static_cast<int>(*status));
        }
    }
    return true;
}

// Version 2 kinds and how many NUL-ended text fields end each (0: none, a plain line).
int nulFields(QByteArrayView kind)
{
    if (kind == "S0" || kind == "Sf")
        return 2;
    if (kind == "N0")
        return 1;
    return 0;
}

// The per-shell command number of version 2 records.
bool localCommandId(QByteArrayView field, QByteArray* out, QString* error)
{
    if (!parseDigits(field)) {
        *error = QStringLiteral("bad command number");
        return false;
    }
    *out = field.toByteArray();
    return true;
}

// "<number>\t<flag><command>\n" as bash's `fc -l` prints a history entry.
bool stripFcLine(QByteArrayView field, QByteArray* out, QString* error)
{
    qsizetype i = 0;
    while (i < field.size() && field[i] >= '0' && field[i] <= '9')
        ++i;
    if (i == 0 || i + 2 > field.size() || field[i] != '\t' || (field[i + 1] != ' ' && field[i + 1] != '*') ||
        !field.endsWith('\n')) {
        *error = QStringLiteral("command: not a history line");
        return false;
    }
    *out = field.sliced(i + 2, field.size() - i - 3).toByteArray();
    return true;
}

std::optional<SpoolRecord> parseVersion2(QByteArrayView line, QByteArrayView kind, QString* error)
{
    // Header fields up to the first text field (or the whole line), then the text fields.
    const int texts = nulFields(kind);
    qsizetype headerEnd = line.size();
    QList<QByteArrayView> textFields;
    if (texts > 0) {
        // The header is the fixed fields: kind, n, time for S; kind, time for N.
        const int headerTabs = kind[0] == 'S' ? 3 : 2;
        qsizetype position = 0;
        for (int tab = 0; tab < headerTabs; ++tab) {
            position = line.indexOf('\t', position);
            if (position < 0) {
                *error = QStringLiteral("expected %1 fields before the text").arg(headerTabs);
                return std::nullopt;
            }
            ++position;
        }
        headerEnd = position - 1;
        for (int field = 0; field < texts; ++field) {
            const qsizetype nul = line.indexOf('\0', position);
            if (nul < 0) {
                *error = QStringLiteral("expected %1 NUL-ended text fields, found %2").arg(texts).arg(field);
                return std::nullopt;
            }
            textFields.append(line.sliced(position, nul - position));
            position = nul + 1;
        }
        if (position != line.size()) {
            *error = QStringLiteral("bytes after the last text field");
            return std::nullopt;
        }
    }
    QList<QByteArrayView> fields;
    const QByteArrayView header = line.first(headerEnd);
    qsizetype start = 0;
    for (qsizetype i = 0; i <= header.size(); ++i) {
        if (i == header.size() || header[i] == '\t') {
            fields.append(header.sliced(start, i - start));
            start = i + 1;
        }
    }
    for (const QByteArrayView field : std::as_const(fields)) {
        if (field.contains('\n') || field.contains('\0')) {
            *error = QStringLiteral("line break or NUL in a fixed field");
            return std::nullopt;
        }
    }
    const auto time = [&](QByteArrayView field, qint64* out) {
        const auto value = parseTime(field);
        if (!value) {
            *error = QStringLiteral("bad time '%1'").arg(excerpt(field));
            return false;
        }
        *out = *value;
        return true;
    };
    const auto fieldCount = [&](qsizetype expected) {
        if (fields.size() == expected)
            return true;
        *error = QStringLiteral("expected %1 fields, found %2").arg(expected).arg(fields.size());
        return false;
    };

    SpoolRecord record;
    record.localId = true;
    if (kind[0] == 'S') {
        record.kind = SpoolRecord::Kind::Start;
        if (!fieldCount(3) || !localCommandId(fields[1], &record.commandId, error) || !time(fields[2], &record.timeNs))
            return std::nullopt;
        record.cwd = textFields[0].toByteArray();
        if (kind[1] == 'f')
            return stripFcLine(textFields[1], &record.text, error) ? std::optional(record) : std::nullopt;
        record.text = textFields[1].toByteArray();
        return record;
    }
    if (kind[0] == 'N') {
        record.kind = SpoolRecord::Kind::Note;
        record.localId = false;
        if (!fieldCount(2) || !time(fields[1], &record.timeNs))
            return std::nullopt;
        record.text = textFields[0].toByteArray();
        return record;
    }
    record.kind = SpoolRecord::Kind::End;
    qint64 startNs = 0;
    if (!fieldCount(6) || !localCommandId(fields[1], &record.commandId, error) || !time(fields[2], &record.timeNs) ||
        !exitAndPipe(fields[3], fields[4], &record, error))
        return std::nullopt;
    if (!time(fields[5], &startNs))
        return std::nullopt;
    // A clock stepped back while the command ran gives no negative duration.
    record.durationNs = std::max<qint64>(0, record.timeNs - startNs);
    return record;
}

} // namespace

std::optional<SpoolRecord> parseSpoolLine(QByteArrayView line, QString* error)
{
    {
        const qsizetype tab = line.indexOf('\t');
        const QByteArrayView kind = tab < 0 ? line : line.first(tab);
        if (kind == "S0" || kind == "Sf" || kind == "E0" || kind == "N0")
            return parseVersion2(line, kind, error);
    }
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
        if (!exitAndPipe(fields[3], fields[4], &record, error))
            return std::nullopt;
        // Microseconds; the bound keeps the nanoseconds below in int64 (the fuzzer found
        // an 18-digit duration overflowing the multiplication).
        constexpr qint64 kMaxDurationUs = std::numeric_limits<qint64>::max() / 1000;
        const auto duration = parseInteger(fields[5]);
        if (!duration || *duration < 0 || *duration > kMaxDurationUs) {
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

qsizetype spoolRecordEnd(QByteArrayView data, qsizetype from, bool final)
{
    const qsizetype firstLf = data.indexOf('\n', from);
    const qsizetype tab = data.indexOf('\t', from);
    if (tab < 0 || (firstLf >= 0 && tab > firstLf))
        return firstLf; // version 1, or a line too short to be anything else
    const int texts = nulFields(data.sliced(from, tab - from));
    if (texts == 0)
        return firstLf;
    // Version 2 with text fields: the LF right after the last of its NULs.
    qsizetype position = from;
    for (int field = 0; field < texts; ++field) {
        const qsizetype nul = data.indexOf('\0', position);
        if (nul < 0)
            return final ? firstLf : -1; // not written completely yet (or never will be)
        position = nul + 1;
    }
    if (position < data.size() && data[position] == '\n')
        return position;
    if (position == data.size())
        return final ? firstLf : -1;
    // Broken (something else follows the last NUL): it ends at its first line break, so
    // the records after it are read again.
    return firstLf;
}

int spoolTextFieldCount(QByteArrayView kind)
{
    return nulFields(kind);
}

QByteArray spoolCommandId(const SpoolRecord& record, QByteArrayView sessionId)
{
    if (!record.localId)
        return record.commandId;
    return sessionId.toByteArray() + '-' + record.commandId;
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

} // namespace trailmark::capture
