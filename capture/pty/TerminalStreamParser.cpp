#include "capture/pty/TerminalStreamParser.h"

#include <QList>

namespace trailmark::capture {

TerminalStreamParser::TerminalStreamParser(TextHandler onText, MarkHandler onMark)
    : m_onText(std::move(onText))
    , m_onMark(std::move(onMark))
{}

void TerminalStreamParser::feed(QByteArrayView bytes)
{
    m_text.clear();
    for (const char byte : bytes) {
        const auto c = static_cast<unsigned char>(byte);
        switch (m_state) {
        case State::Ground:
            if (m_pendingCr) {
                m_pendingCr = false;
                // CR LF is a line end; a CR at the start of a line moves nothing.
                if (c != '\n' && !m_atLineStart)
                    m_text.append('\r');
            }
            if (c == 0x1b) {
                m_state = State::Escape;
            } else if (c == '\r') {
                m_pendingCr = true;
            } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
                m_text.append(byte);
                m_atLineStart = c == '\n';
            }
            break;
        case State::Escape:
            afterEscape(c);
            break;
        case State::EscapeIntermediate:
            if (c < 0x20 || c > 0x2f)
                m_state = State::Ground;
            break;
        case State::Csi:
            if (c >= 0x40 && c <= 0x7e)
                m_state = State::Ground;
            else if (c == 0x1b)
                m_state = State::Escape; // a broken sequence; start over
            break;
        case State::Osc:
            if (c == 0x07) {
                finishOsc();
                m_state = State::Ground;
            } else if (c == 0x1b) {
                m_state = State::OscEscape;
            } else if (m_osc.size() < kMaxOscPayload) {
                m_osc.append(byte);
            } else {
                m_oscOverflow = true;
            }
            break;
        case State::OscEscape:
            // ST (ESC \) ends the OSC; any other ESC ends it too and begins a sequence.
            finishOsc();
            if (c == '\\')
                m_state = State::Ground;
            else
                afterEscape(c);
            break;
        case State::String:
            if (c == 0x1b)
                m_state = State::StringEscape;
            else if (c == 0x07)
                m_state = State::Ground;
            break;
        case State::StringEscape:
            m_state = c == '\\' ? State::Ground : State::String;
            break;
        }
    }
    if (!m_text.isEmpty())
        m_onText(m_text);
}

void TerminalStreamParser::afterEscape(unsigned char c)
{
    if (c == '[') {
        m_state = State::Csi;
    } else if (c == ']') {
        m_state = State::Osc;
        m_osc.clear();
        m_oscOverflow = false;
    } else if (c == 'P' || c == 'X' || c == '^' || c == '_') {
        m_state = State::String;
    } else if (c >= 0x20 && c <= 0x2f) {
        m_state = State::EscapeIntermediate; // ESC ( B and friends
    } else if (c == 0x1b) {
        m_state = State::Escape;
    } else {
        m_state = State::Ground; // two-byte sequence (ESC 7, ESC =, ...)
    }
}

void TerminalStreamParser::finishOsc()
{
    if (m_oscOverflow || !m_osc.startsWith("133;"))
        return;
    const QList<QByteArray> parts = m_osc.mid(4).split(';');
    if (parts.isEmpty() || parts.first().size() != 1)
        return;
    Mark mark;
    mark.kind = parts.first().at(0);
    switch (mark.kind) {
    case 'A':
    case 'B':
        break;
    case 'C':
        mark.commandId = parts.value(1);
        break;
    case 'D': {
        bool ok = false;
        mark.exitCode = parts.value(1).toInt(&ok);
        if (!ok)
            mark.exitCode = -1;
        mark.commandId = parts.value(2);
        break;
    }
    default:
        return;
    }
    // Text before the mark belongs before it.
    if (!m_text.isEmpty()) {
        m_onText(m_text);
        m_text.clear();
    }
    m_onMark(mark);
}

} // namespace trailmark::capture
