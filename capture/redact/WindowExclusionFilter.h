#pragma once

#include "capture/SessionSink.h"
#include "capture/screenshot/ScreenGrabber.h"

#include <QList>
#include <QRegularExpression>

namespace trailmark::capture {

// Windows whose titles and pictures must not be recorded: password managers by
// default, plus the user's list. A matching AppSwitch keeps its class, pid and exe (the
// expert did switch to the password manager, which is a fact worth keeping) but loses
// its title and gets excluded=true; its TitleChanges lose their titles too, and no
// screenshot is taken of it.
//
// User list: $XDG_CONFIG_HOME/trailmark/exclude.conf, one rule per line:
//     class KeePassXC          WM_CLASS class (or instance) matches, wildcards * and ?
//     title *Private Browsing* window title matches
//     exe /usr/bin/keepassxc   executable path (or its file name) matches
//     no-defaults              drop the built-in password-manager rules
// Matching ignores case; '#' starts a comment.
class WindowExclusionFilter final : public EventFilter
{
public:
    enum class Field
    {
        Class,
        Title,
        Exe,
    };
    struct Rule
    {
        Field field;
        QString pattern;
        QRegularExpression regex;
    };

    // Only the built-in rules.
    WindowExclusionFilter();

    // The built-in rules plus the user's file ($XDG_CONFIG_HOME/trailmark/exclude.conf,
    // missing is fine); false and "file:line: what is wrong" on a bad line.
    bool loadUserRules(const QString& path, QString* error);
    static QString defaultUserRulesPath();
    bool addRule(Field field, const QString& pattern);
    void clearRules() { m_rules.clear(); }
    const QList<Rule>& rules() const { return m_rules; }

    bool isExcluded(const WindowDescription& window) const;
    void apply(v1::Event& event) const override;

private:
    QList<Rule> m_rules;
    // The window of the last AppSwitch and whether it was excluded by what it is (class
    // or exe); a title change of that window stays excluded whatever the new title.
    mutable quint64 m_currentWindow = 0;
    mutable bool m_currentExcludedByIdentity = false;
};

} // namespace trailmark::capture
