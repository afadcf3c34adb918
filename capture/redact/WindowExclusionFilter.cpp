#include "capture/redact/WindowExclusionFilter.h"

#include "trailmark/v1/event.pb.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace trailmark::capture {
namespace {

// Password managers and secret prompts. Titles are matched only for prompts whose
// wording is specific; a bare "*Password*" would also hide "Reset your password - Help"
// pages and editors with password_reset.py open, which carry no secret but are useful
// context. A title never holds the secret itself; the risk is the window content, which
// the class rules cover.
constexpr struct
{
    WindowExclusionFilter::Field field;
    const char* pattern;
} kDefaultRules[] = {
    {WindowExclusionFilter::Field::Class, "KeePassXC"},
    {WindowExclusionFilter::Field::Class, "KeePass2"},
    {WindowExclusionFilter::Field::Class, "KeeWeb"},
    {WindowExclusionFilter::Field::Class, "1Password"},
    {WindowExclusionFilter::Field::Class, "Bitwarden"},
    {WindowExclusionFilter::Field::Class, "Enpass"},
    {WindowExclusionFilter::Field::Class, "Seahorse"},
    {WindowExclusionFilter::Field::Class, "org.gnome.seahorse.Application"},
    {WindowExclusionFilter::Field::Class, "Gcr-prompter"},
    {WindowExclusionFilter::Field::Class, "kwalletmanager5"},
    {WindowExclusionFilter::Field::Class, "kwalletd5"},
    {WindowExclusionFilter::Field::Class, "QtPass"},
    {WindowExclusionFilter::Field::Class, "Pinentry*"},
    {WindowExclusionFilter::Field::Class, "pinentry*"},
    {WindowExclusionFilter::Field::Exe, "keepassxc"},
    {WindowExclusionFilter::Field::Exe, "1password"},
    {WindowExclusionFilter::Field::Exe, "bitwarden"},
    {WindowExclusionFilter::Field::Exe, "qtpass"},
    {WindowExclusionFilter::Field::Exe, "seahorse"},
    {WindowExclusionFilter::Field::Exe, "pinentry*"},
    {WindowExclusionFilter::Field::Title, "Unlock * Keyring"},
    {WindowExclusionFilter::Field::Title, "Unlock Keyring"},
    {WindowExclusionFilter::Field::Title, "*Password Required*"},
    {WindowExclusionFilter::Field::Title, "Enter passphrase*"},
    {WindowExclusionFilter::Field::Title, "*- KeePassXC"},
    // Trailmark itself: its windows show other sessions and are not part of the task.
    {WindowExclusionFilter::Field::Class, "trailmark"},
    {WindowExclusionFilter::Field::Exe, "trailmark"},
};

bool matches(const WindowExclusionFilter::Rule& rule, const QString& value)
{
    return !value.isEmpty() && rule.regex.match(value).hasMatch();
}

} // namespace

WindowExclusionFilter::WindowExclusionFilter()
{
    for (const auto& rule : kDefaultRules)
        addRule(rule.field, QString::fromLatin1(rule.pattern));
}

QString WindowExclusionFilter::defaultUserRulesPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/trailmark/exclude.conf");
}

bool WindowExclusionFilter::addRule(Field field, const QString& pattern)
{
    // Our own conversion: Qt 6.4's wildcardToRegularExpression keeps '*' from matching
    // '/', which suits file names but not titles ("*foo/bar*").
    QString expression;
    for (const QChar c : pattern) {
        if (c == QLatin1Char('*'))
            expression += QStringLiteral(".*");
        else if (c == QLatin1Char('?'))
            expression += QLatin1Char('.');
        else
            expression += QRegularExpression::escape(QString(c));
    }
    // Anchored: "KeePassXC" must not match "NotKeePassXCReally".
    const QRegularExpression regex(QStringLiteral("\\A(?:%1)\\z").arg(expression),
                                   QRegularExpression::CaseInsensitiveOption |
                                       QRegularExpression::DotMatchesEverythingOption);
    if (!regex.isValid())
        return false;
    m_rules.append(Rule{field, pattern, regex});
    return true;
}

bool WindowExclusionFilter::loadUserRules(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    QList<Rule> rules = m_rules;
    bool defaults = true;
    int lineNumber = 0;
    QList<std::pair<Field, QString>> added;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        if (line == QLatin1String("no-defaults")) {
            defaults = false;
            continue;
        }
        const QString keyword = line.section(QLatin1Char(' '), 0, 0);
        const QString pattern = line.section(QLatin1Char(' '), 1).trimmed();
        Field field;
        if (keyword == QLatin1String("class"))
            field = Field::Class;
        else if (keyword == QLatin1String("title"))
            field = Field::Title;
        else if (keyword == QLatin1String("exe"))
            field = Field::Exe;
        else {
            *error = QStringLiteral("%1:%2: unknown rule '%3' (expected class, title, exe or no-defaults)")
                         .arg(path)
                         .arg(lineNumber)
                         .arg(keyword);
            return false;
        }
        if (pattern.isEmpty()) {
            *error = QStringLiteral("%1:%2: '%3' needs a pattern").arg(path).arg(lineNumber).arg(keyword);
            return false;
        }
        added.append({field, pattern});
    }
    if (!defaults)
        m_rules.clear();
    for (const auto& [field, pattern] : std::as_const(added)) {
        if (!addRule(field, pattern)) {
            m_rules = rules;
            *error = QStringLiteral("%1: invalid pattern '%2'").arg(path, pattern);
            return false;
        }
    }
    return true;
}

bool WindowExclusionFilter::isExcluded(const WindowDescription& window) const
{
    const QString exeName = QFileInfo(window.exe).fileName();
    for (const Rule& rule : m_rules) {
        switch (rule.field) {
        case Field::Class:
            if (matches(rule, window.appClass) || matches(rule, window.appInstance))
                return true;
            break;
        case Field::Title:
            if (matches(rule, window.title))
                return true;
            break;
        case Field::Exe:
            if (matches(rule, window.exe) || matches(rule, exeName))
                return true;
            break;
        }
    }
    return false;
}

void WindowExclusionFilter::apply(v1::Event& event) const
{
    if (event.has_app_switch()) {
        auto* body = event.mutable_app_switch();
        WindowDescription identity{QString::fromStdString(body->app_class()),
                                   QString::fromStdString(body->app_instance()), QString(),
                                   QString::fromStdString(body->exe())};
        m_currentWindow = body->window_id();
        m_currentExcludedByIdentity = isExcluded(identity);
        identity.title = QString::fromStdString(body->title());
        if (m_currentExcludedByIdentity || isExcluded(identity)) {
            body->set_excluded(true);
            body->clear_title();
        }
    } else if (event.has_title_change()) {
        auto* body = event.mutable_title_change();
        const bool byIdentity = body->window_id() == m_currentWindow && m_currentExcludedByIdentity;
        if (byIdentity || isExcluded(WindowDescription{{}, {}, QString::fromStdString(body->title()), {}})) {
            body->set_excluded(true);
            body->clear_title();
        }
    }
}

} // namespace trailmark::capture
