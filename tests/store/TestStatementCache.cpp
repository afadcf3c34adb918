#include "store/SqliteStatement.h"

#include <QTest>

#include <sqlite3.h>

using namespace trailmark::store;

// Statements handed back are reused reset and unbound; two taken at once are two.
class TestStatementCache final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QCOMPARE(sqlite3_open(":memory:", &m_db), SQLITE_OK);
        QVERIFY(
            sqliteExec(m_db, "CREATE TABLE t(k INTEGER, v TEXT); INSERT INTO t VALUES(1,'one'),(2,'two');", nullptr));
    }
    void cleanup()
    {
        m_cache.reset();
        sqlite3_close(m_db);
    }

    void reusedStatementsStartOver()
    {
        m_cache = std::make_unique<StatementCache>(m_db);
        const char* sql = "SELECT v FROM t WHERE k=? OR ? IS NULL ORDER BY k";
        sqlite3_stmt* first = nullptr;
        {
            SqliteStatement select = m_cache->take(sql);
            QVERIFY(select.isValid());
            select.bind(1, 2);
            select.bind(2, 0);
            QVERIFY(select.step());
            QCOMPARE(select.columnText(0), QStringLiteral("two"));
            first = sqlite3_next_stmt(m_db, nullptr);
            // Left mid-way, with rows to come: handed back all the same.
        }
        SqliteStatement again = m_cache->take(sql);
        QCOMPARE(sqlite3_next_stmt(m_db, nullptr), first); // the same statement, not a new one
        // Unbound: both parameters NULL, so every row, from the first.
        QVERIFY(again.step());
        QCOMPARE(again.columnText(0), QStringLiteral("one"));
        QVERIFY(again.step());
        QCOMPARE(again.columnText(0), QStringLiteral("two"));
        QVERIFY(!again.step());
        QCOMPARE(again.resultCode(), SQLITE_DONE);
    }

    void nestedTakesAreDistinct()
    {
        m_cache = std::make_unique<StatementCache>(m_db);
        const char* sql = "SELECT k FROM t ORDER BY k";
        SqliteStatement outer = m_cache->take(sql);
        QVERIFY(outer.step());
        SqliteStatement inner = m_cache->take(sql);
        QVERIFY(inner.step());
        QCOMPARE(inner.columnInt(0), 1);
        QVERIFY(outer.step());
        QCOMPARE(outer.columnInt(0), 2); // the outer one kept its place
    }

    void badSqlIsInvalidAndNotCached()
    {
        m_cache = std::make_unique<StatementCache>(m_db);
        SqliteStatement bad = m_cache->take("SELECT nope FROM nowhere");
        QVERIFY(!bad.isValid());
        QVERIFY(bad.errorMessage().contains(QStringLiteral("no such table")));
    }

private:
    sqlite3* m_db = nullptr;
    std::unique_ptr<StatementCache> m_cache;
};

QTEST_GUILESS_MAIN(TestStatementCache)
#include "TestStatementCache.moc"
