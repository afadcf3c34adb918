#include "capture/shell/SpoolReader.h"
#include "capture/shell/SpoolRecord.h"

#include <QTemporaryFile>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace trailmark;

namespace {

template <qsizetype N> QByteArray raw(const char (&text)[N])
{
    return QByteArray(text, N - 1);
}

// Every item a reader hands out until it stops (End, Incomplete or Error).
struct Item
{
    capture::SpoolReader::Status status;
    qint64 offset;
    qint64 next;
    QByteArray bytes;
};

QList<Item> readAll(capture::SpoolReader& reader)
{
    QList<Item> items;
    for (int guard = 0; guard < 100000; ++guard) {
        const capture::SpoolReader::Item item = reader.next();
        items.append({item.status, item.offset, item.next, item.bytes.toByteArray()});
        if (item.status == capture::SpoolReader::Status::End ||
            item.status == capture::SpoolReader::Status::Incomplete ||
            item.status == capture::SpoolReader::Status::Error)
            break;
    }
    return items;
}

// A file with the given content, open for reading for the life of the object.
class SpoolFile
{
public:
    explicit SpoolFile(const QByteArray& content)
    {
        QVERIFY(m_file.open());
        QCOMPARE(m_file.write(content), content.size());
        QVERIFY(m_file.flush());
        m_fd = ::open(QFile::encodeName(m_file.fileName()).constData(), O_RDONLY | O_CLOEXEC);
        QVERIFY(m_fd >= 0);
    }
    ~SpoolFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int fd() const { return m_fd; }

private:
    QTemporaryFile m_file;
    int m_fd = -1;
};

// Version 1 and 2 records; the version 2 ones hold LFs, tabs and invalid UTF-8.
QByteArray mixedSpool()
{
    return QByteArray("S\tc-1\t1\t/home\tmake\\n all\n") + raw("S0\t2\t2\t/a\0printf 'x\n\ty\xff'\0\n") +
           QByteArray("E0\t2\t3\t0\t\t2\n") + raw("N0\t4\tthink\nabout it\0\n") + QByteArray("E\tc-1\t5\t1\t1\t9\n");
}

// The records of `content` as spoolRecordEnd finds them with everything in memory.
QList<QByteArray> recordsInMemory(const QByteArray& content)
{
    QList<QByteArray> records;
    qsizetype position = 0;
    while (position < content.size()) {
        const qsizetype end = capture::spoolRecordEnd(content, position, true);
        if (end < 0)
            break;
        records.append(content.sliced(position, end - position));
        position = end + 1;
    }
    return records;
}

} // namespace

class TestSpoolReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsRecordsAcrossChunkBoundaries_data();
    void readsRecordsAcrossChunkBoundaries();
    void startsAtTheSavedPosition();
    void skipsOversizedRecords_data();
    void skipsOversizedRecords();
    void brokenRecordEndsAtItsFirstLineFeed();
    void waitsForARecordBeingWritten();
    void waitsForAnOversizedRecordBeingWritten();
    void reportsATruncatedEnd();
    void reportsReadErrors();
};

void TestSpoolReader::readsRecordsAcrossChunkBoundaries_data()
{
    QTest::addColumn<qsizetype>("chunk");
    for (const qsizetype chunk : {1, 2, 3, 7, 16, 64, 4096})
        QTest::addRow("chunk %lld", static_cast<long long>(chunk)) << chunk;
}

// Wherever a chunk ends (inside a kind, between NULs, right before a record's LF), the
// records are those that reading the whole file at once finds, with contiguous offsets.
void TestSpoolReader::readsRecordsAcrossChunkBoundaries()
{
    QFETCH(qsizetype, chunk);
    const QByteArray content = mixedSpool();
    const QList<QByteArray> expected = recordsInMemory(content);
    QCOMPARE(expected.size(), 5);
    SpoolFile file(content);
    capture::SpoolReader reader(file.fd(), 0, false, 1024, chunk);
    const QList<Item> items = readAll(reader);
    QCOMPARE(items.size(), expected.size() + 1);
    qint64 offset = 0;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(items[i].status, capture::SpoolReader::Status::Record);
        QCOMPARE(items[i].offset, offset);
        QCOMPARE(items[i].bytes, expected[i]);
        offset = items[i].next;
    }
    QCOMPARE(items.last().status, capture::SpoolReader::Status::End);
    QCOMPARE(items.last().offset, content.size());
    QVERIFY(reader.peakBufferBytes() <= 2 * (1024 + chunk));
}

void TestSpoolReader::startsAtTheSavedPosition()
{
    const QByteArray content = mixedSpool();
    const QList<QByteArray> all = recordsInMemory(content);
    const qint64 second = all[0].size() + 1;
    SpoolFile file(content);
    capture::SpoolReader reader(file.fd(), second, true, 1024, 5);
    const QList<Item> items = readAll(reader);
    QCOMPARE(items.size(), all.size());
    QCOMPARE(items.first().offset, second);
    QCOMPARE(items.first().bytes, all[1]);
}

void TestSpoolReader::skipsOversizedRecords_data()
{
    QTest::addColumn<QByteArray>("oversized");
    QByteArray line(500, 'x');
    QTest::newRow("plain line") << line;
    QByteArray text(500, 'y');
    for (int i = 0; i < text.size(); i += 40)
        text[i] = '\n';
    QTest::newRow("version 2 with LFs") << QByteArray("N0\t9\t") + text + QByteArray(1, '\0');
    QTest::newRow("version 2, NUL at a chunk end")
        << QByteArray("S0\t9\t9\t") + QByteArray(15 - 7, 'c') + QByteArray(1, '\0') + text + QByteArray(1, '\0');
    QTest::newRow("garbage with NULs") << QByteArray("\0\0\t\0", 4) + line;
}

// A record longer than the limit is handed out as Oversized with its exact extent and
// never held; the records around it are read as usual.
void TestSpoolReader::skipsOversizedRecords()
{
    QFETCH(QByteArray, oversized);
    const QByteArray before("N\t1\tbefore\n");
    const QByteArray after("N\t2\tafter\n");
    SpoolFile file(before + oversized + '\n' + after);
    constexpr qsizetype kLimit = 64;
    constexpr qsizetype kChunk = 16;
    capture::SpoolReader reader(file.fd(), 0, true, kLimit, kChunk);
    const QList<Item> items = readAll(reader);
    QCOMPARE(items.size(), 4);
    QCOMPARE(items[0].bytes, before.chopped(1));
    QCOMPARE(items[1].status, capture::SpoolReader::Status::Oversized);
    QCOMPARE(items[1].offset, before.size());
    QCOMPARE(items[1].next, before.size() + oversized.size() + 1);
    QVERIFY(items[1].bytes.isEmpty());
    QCOMPARE(items[2].bytes, after.chopped(1));
    QCOMPARE(items[3].status, capture::SpoolReader::Status::End);
    QVERIFY2(reader.peakBufferBytes() <= 2 * (kLimit + kChunk), qPrintable(QString::number(reader.peakBufferBytes())));
}

// A version 2 record with something other than LF after its last NUL is broken: it ends
// at its first LF, and what follows is read as records again, even when it is long.
void TestSpoolReader::brokenRecordEndsAtItsFirstLineFeed()
{
    const QByteArray broken = QByteArray("N0\t3\tshort\nthen ") + QByteArray(300, 'z') + QByteArray("\0X", 2);
    const QByteArray after("N\t4\tafter\n");
    SpoolFile file(broken + '\n' + after);
    capture::SpoolReader reader(file.fd(), 0, true, 64, 16);
    const QList<Item> items = readAll(reader);
    QCOMPARE(items.size(), 4);
    QCOMPARE(items[0].status, capture::SpoolReader::Status::Record);
    QCOMPARE(items[0].bytes, QByteArray("N0\t3\tshort"));
    QCOMPARE(items[1].status, capture::SpoolReader::Status::Oversized); // "then zzz...\0X"
    QCOMPARE(items[1].offset, 11);
    QCOMPARE(items[2].bytes, after.chopped(1));
}

void TestSpoolReader::waitsForARecordBeingWritten()
{
    const QByteArray complete("N\t1\tdone\n");
    SpoolFile file(complete + raw("S0\t2\t2\t/\0half"));
    capture::SpoolReader reader(file.fd(), 0, false, 1024, 4);
    const QList<Item> items = readAll(reader);
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[1].status, capture::SpoolReader::Status::Incomplete);
    QCOMPARE(items[1].offset, complete.size());
    QCOMPARE(reader.next().status, capture::SpoolReader::Status::Incomplete); // and stays so
}

void TestSpoolReader::waitsForAnOversizedRecordBeingWritten()
{
    const QByteArray complete("N\t1\tdone\n");
    SpoolFile file(complete + QByteArray("N0\t2\t") + QByteArray(200, 'n'));
    capture::SpoolReader reader(file.fd(), 0, false, 64, 16);
    const QList<Item> items = readAll(reader);
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[1].status, capture::SpoolReader::Status::Incomplete);
    QCOMPARE(items[1].offset, complete.size()); // nothing of it is passed over
}

void TestSpoolReader::reportsATruncatedEnd()
{
    const QByteArray complete("N\t1\tdone\n");
    const QByteArray cut("S\tc-2\t3\t/\tcut off");
    for (const qsizetype limit : {qsizetype(1024), qsizetype(8)}) {
        SpoolFile file(complete + cut);
        capture::SpoolReader reader(file.fd(), 0, true, limit, 4);
        const QList<Item> items = readAll(reader);
        QCOMPARE(items.size(), 3);
        QCOMPARE(items[1].status, capture::SpoolReader::Status::Truncated);
        QCOMPARE(items[1].offset, complete.size());
        QCOMPARE(items[1].next, complete.size() + cut.size());
        QCOMPARE(items[2].status, capture::SpoolReader::Status::End);
    }
}

void TestSpoolReader::reportsReadErrors()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    const int writeOnly = ::open(QFile::encodeName(file.fileName()).constData(), O_WRONLY | O_CLOEXEC);
    QVERIFY(writeOnly >= 0);
    capture::SpoolReader reader(writeOnly, 0, true);
    const capture::SpoolReader::Item item = reader.next();
    ::close(writeOnly);
    QCOMPARE(item.status, capture::SpoolReader::Status::Error);
    QVERIFY(!reader.error().isEmpty());
}

QTEST_GUILESS_MAIN(TestSpoolReader)
#include "TestSpoolReader.moc"
