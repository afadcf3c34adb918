#pragma once

#include <QByteArrayList>
#include <QRegularExpression>
#include <QString>

#include <optional>
#include <vector>

namespace trailmark::capture {

// One kind of secret: a name (shown in the marker "[REDACTED:<name>]" and recorded in
// the event), a compiled pattern, and keywords that must occur for it to be worth
// running.
//
// Which part of a match is the secret: the first capturing group that took part in the
// match, else the whole match. Built-in patterns capture only the secret (everything
// else is (?:...)), so the text around it ("password=", "https://user:", quotes) keeps
// its shape.
struct RedactionRule
{
    QString name;
    QRegularExpression pattern;
    // Lowercase ASCII strings; the pattern runs only when one of them occurs in the
    // lowercased text. Empty: always runs (user rules). This is what keeps redaction of
    // 64 KiB outputs cheap: most rules are skipped after a memmem.
    QByteArrayList keywords;
    // True for user rules: the span is widened to whole UTF-8 characters, because a
    // user pattern may cut one (built-in patterns only start and end on ASCII).
    bool widenToUtf8 = false;
    // When above 0, a find counts only when its secret span has at least this Shannon
    // entropy (bits per byte): generic rules ("auth: <value>") catch random values and
    // leave words and names alone. Gitleaks' generic rule uses 3.5 to 3.7.
    double minEntropy = 0;
};

// The set of rules a Redactor applies, in priority order: when two rules find the same
// span, the earlier one names it, so specific rules (github-token) come before generic
// ones (password-assignment).
class RedactionRules
{
public:
    // The built-in rules: cloud keys, service tokens, private keys, JWTs, passwords on
    // command lines and in assignments, credentials in URLs and headers.
    static RedactionRules builtIn();
    // Built-in rules plus the user's file (defaultUserFile()); nullopt and *error naming
    // the file and line when the file cannot be read or holds a bad line. A missing file
    // is not an error.
    static std::optional<RedactionRules> load(QString* error);
    // $XDG_CONFIG_HOME/trailmark/redact.conf (~/.config/trailmark/redact.conf).
    static QString defaultUserFile();

    // Adds a user rule after the others. The pattern is a Perl-compatible regular
    // expression matched against the bytes of the text (see Redactor); name may hold
    // letters, digits and "_.:-". False and why when the name or pattern is invalid.
    bool addUserRule(const QString& name, const QString& pattern, QString* error);
    // Reads "name = regex" lines ('#' starts a comment line, blank lines are ignored).
    // On a bad line nothing from the file is added and *error says "file:line: why".
    bool addUserFile(const QString& path, QString* error);

    const std::vector<RedactionRule>& rules() const { return m_rules; }

private:
    void addBuiltIn(const char* name, const QString& pattern, std::initializer_list<const char*> keywords,
                    double minEntropy = 0);
    // Secrets typed as input rather than as an argument: here-strings, "echo SECRET |" and
    // process substitution into commands that read a secret (FedSecretRules.cpp).
    void addFedSecretRules();

    std::vector<RedactionRule> m_rules;
};

} // namespace trailmark::capture
