#include "chains/export/FormatWriters.h"
#include "chains/export/ProtoFiles.h"
#include "trailmark/v1/event.pb.h"

namespace trailmark::chains {
namespace {

// `trailmark.pb`: every exported event as a full trailmark.v1.Event (envelope filled,
// reviewer redactions applied), each preceded by its size as a varint: the
// length-delimited framing of protobuf's writeDelimitedTo / parseDelimitedFrom. The
// .proto files go next to it under proto/trailmark/v1/.
class ProtobufWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        for (const ProtoFile* file = protoFilesBegin(); file != protoFilesEnd(); ++file) {
            OutputFile out;
            const QString path = context.root + QStringLiteral("/proto/trailmark/v1/") +
                                 QString::fromLatin1(file->name.data(), static_cast<qsizetype>(file->name.size()));
            if (!out.open(path, error) || !out.write(file->content, error) || !out.close(error))
                return false;
        }
        return m_file.open(context.root + QStringLiteral("/trailmark.pb"), error);
    }

    bool wantsEvents() const override { return true; }
    bool event(const v1::Event& event, QString* error) override
    {
        const size_t size = event.ByteSizeLong();
        m_frame.clear();
        size_t value = size;
        while (value >= 0x80) {
            m_frame += static_cast<char>((value & 0x7F) | 0x80);
            value >>= 7;
        }
        m_frame += static_cast<char>(value);
        const size_t header = m_frame.size();
        m_frame.resize(header + size);
        // Deterministic: map fields would otherwise serialise in hash order (we have
        // none today; this keeps byte-identical output if one is added).
        event.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(m_frame.data() + header));
        return m_file.write(m_frame, error);
    }

    bool trajectory(const Trajectory&, QString*) override { return true; }
    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

private:
    OutputFile m_file;
    std::string m_frame;
};

} // namespace

std::unique_ptr<FormatWriter> makeProtobufWriter()
{
    return std::make_unique<ProtobufWriter>();
}

} // namespace trailmark::chains
