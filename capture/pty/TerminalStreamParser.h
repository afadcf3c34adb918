#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace trailmark::capture {

// Reads what a shell writes to its terminal, incrementally: a sequence split across
// reads (the usual case with a pty) is recognised all the same. It reports
//  - the text, without escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two- and
//    three-byte ESC sequences) and without C0 controls other than LF and TAB; CR LF
//    becomes LF, a CR at the start of a line is dropped, any other CR stays (progress
//    bars). This is what gets stored.
//  - the OSC 133 shell integration marks the Trailmark hooks print under `trailmark
//    shell`: "133;A" prompt start, "133;B" command line start, "133;C;<command id>"
//    output start, "133;D;<exit>;<command id>" command end (BEL or ST terminated).
// The bytes themselves go to the user's terminal unchanged elsewhere; this only reads.
class TerminalStreamParser
{
public:
    struct Mark
    {
        char kind = 0;        // 'A', 'B', 'C', 'D'
        QByteArray commandId; // C, D (empty when the hook gave none)
        int exitCode = -1;    // D
    };
    using TextHandler = std::function<void(QByteArrayView text)>;
    using MarkHandler = std::function<void(const Mark& mark)>;

    TerminalStreamParser(TextHandler onText, MarkHandler onMark);

    void feed(QByteArrayView bytes);

    // Longest OSC payload kept; longer ones (images, hyperlinks) are skipped whole.
    static constexpr qsizetype kMaxOscPayload = 4096;

private:
    enum class State
    {
        Ground,
        Escape,
        EscapeIntermediate,
        Csi,
        Osc,
        OscEscape,
        String,
        StringEscape,
    };
    void afterEscape(unsigned char c);
    void finishOsc();

    TextHandler m_onText;
    MarkHandler m_onMark;
    State m_state = State::Ground;
    QByteArray m_osc;
    bool m_oscOverflow = false;
    bool m_pendingCr = false;
    bool m_atLineStart = true;
    QByteArray m_text; // the run of text of the current feed()
};

} // namespace trailmark::capture
