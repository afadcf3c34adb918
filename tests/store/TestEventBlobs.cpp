#include "store/EventBlobs.h"
#include "store/proto/blob_test.pb.h"

#include <QTest>

#include <initializer_list>
#include <string>
#include <vector>

using namespace trailmark;
namespace eventblobs = store::eventblobs;

namespace {

// "<field>=<key>" for every blob found, in the order visited.
std::vector<std::string> blobsOf(const google::protobuf::Message& message)
{
    std::vector<std::string> found;
    eventblobs::forEachBlob(message, [&found](const eventblobs::BlobReference& blob) {
        QCOMPARE(blob.role, v1::BLOB_ROLE_PICTURE);
        found.push_back(blob.field->name() + "=" + std::string(blob.key));
    });
    return found;
}

} // namespace

class TestEventBlobs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventBodiesWithPicturesAreFound();
    void onlyKindsThatCanHoldBlobsAreDecoded();
    void nestedAndRepeatedKeysAreFoundByTheOptionAlone();
};

void TestEventBlobs::eventBodiesWithPicturesAreFound()
{
    v1::Event screenshot;
    screenshot.mutable_screenshot()->set_sha256("screen-key");
    screenshot.mutable_screenshot()->set_mime("image/png");
    QCOMPARE(blobsOf(screenshot), std::vector<std::string>{"sha256=screen-key"});

    v1::Event action;
    action.mutable_gui_action()->set_keyframe_sha256("keyframe-key");
    action.mutable_gui_action()->set_text("typed");
    QCOMPARE(blobsOf(action), std::vector<std::string>{"keyframe_sha256=keyframe-key"});

    // An action without a keyframe (screenshots off) refers to no blob.
    action.mutable_gui_action()->clear_keyframe_sha256();
    QVERIFY(blobsOf(action).empty());

    v1::Event command;
    command.mutable_command_started()->set_command("sha256sum screen.png");
    QVERIFY(blobsOf(command).empty());
}

void TestEventBlobs::onlyKindsThatCanHoldBlobsAreDecoded()
{
    QVERIFY(eventblobs::kindCanHoldBlobs(v1::Event::kScreenshotFieldNumber));
    QVERIFY(eventblobs::kindCanHoldBlobs(v1::Event::kGuiActionFieldNumber));
    for (const int kind :
         std::initializer_list<int>{0, v1::Event::kCommandStartedFieldNumber, v1::Event::kCommandFinishedFieldNumber,
                                    v1::Event::kNoteFieldNumber, v1::Event::kFileEditFieldNumber, 9999})
        QVERIFY2(!eventblobs::kindCanHoldBlobs(kind), qPrintable(QString::number(kind)));
    QVERIFY(eventblobs::canHoldBlobs(v1::Event::descriptor()));
    QVERIFY(!eventblobs::canHoldBlobs(v1::CommandFinished::descriptor()));

    eventblobs::RowBlobReader reader;
    int visited = 0;
    const eventblobs::Visitor count = [&visited](const eventblobs::BlobReference&) {
        ++visited;
    };
    // A row of a kind without blobs is not decoded: garbage in it goes unnoticed here.
    QVERIFY(reader.read(v1::Event::kCommandStartedFieldNumber, "\xff\xff\xff garbage", count));
    // A row that could hold one and does not decode is said to be damaged.
    QVERIFY(!reader.read(v1::Event::kScreenshotFieldNumber, "\xff\xff\xff garbage", count));
    QCOMPARE(visited, 0);

    v1::Event action;
    action.mutable_gui_action()->set_keyframe_sha256("keyframe-key");
    QVERIFY(reader.read(v1::Event::kGuiActionFieldNumber, action.SerializeAsString(), count));
    QCOMPARE(visited, 1);
    // The reused event holds nothing of the row before.
    v1::Event screenshot;
    screenshot.mutable_screenshot()->set_mime("image/png");
    QVERIFY(reader.read(v1::Event::kScreenshotFieldNumber, screenshot.SerializeAsString(), count));
    QCOMPARE(visited, 1);
}

void TestEventBlobs::nestedAndRepeatedKeysAreFoundByTheOptionAlone()
{
    QVERIFY(eventblobs::canHoldBlobs(test::Album::descriptor()));
    QVERIFY(eventblobs::canHoldBlobs(test::Frame::descriptor()));
    QVERIFY(!eventblobs::canHoldBlobs(test::Plain::descriptor()));

    test::Album album;
    album.set_cover("cover");
    album.add_pages("page-1");
    album.add_pages(""); // an empty key is no blob
    album.add_pages("page-3");
    album.mutable_frame()->set_picture("frame");
    album.mutable_frame()->set_caption("not a key");
    album.add_frames()->set_picture("frames-1");
    album.add_frames()->set_caption("no picture");
    album.add_frames()->set_picture("frames-3");
    album.set_unmarked_sha256("unmarked");
    album.mutable_plain()->set_sha256("plain");
    test::Album* sequel = album.mutable_sequel();
    sequel->add_pages("sequel-page");
    sequel->mutable_sequel()->add_frames()->set_picture("deep");
    (*album.mutable_by_name())["only"].set_picture("mapped");

    const std::vector<std::string> expected{"cover=cover",       "pages=page-1",     "pages=page-3",
                                            "picture=frame",     "picture=frames-1", "picture=frames-3",
                                            "pages=sequel-page", "picture=deep",     "picture=mapped"};
    QCOMPARE(blobsOf(album), expected);
    // The same answer again, from the plans built the first time.
    QCOMPARE(blobsOf(album), expected);
}

QTEST_GUILESS_MAIN(TestEventBlobs)
#include "TestEventBlobs.moc"
