#pragma once

#include "chains/families/RetryOptions.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailmark::chains {

struct ShellStep;
struct SimpleCommand;
struct Step;
struct StepOutline;

// Whether the shell found no such program (exit 127 in bash, zsh and fish).
bool commandNotFound(const ShellStep& shell);

// What linking needs of one shell step besides its outline, kept by the shell deriver
// for every command of the session (a few bytes each: the text is shared by every
// step that ran the same line).
struct ShellAttempt
{
    const std::string* command = nullptr; // never null; identical lines share one
    int step = 0;
    bool hasExit = false;
    bool programNotFound = false; // exit 127: the shell found no such program
};

// Finds retries among a session's shell steps and links them.
//
// A shell step R retries an earlier step F when, looking back from R through the shell
// steps of the recording (every terminal: the expert may try again in another one), the
// most recent step similar to R is F, F failed, and R started within the time window
// after F ended. Looking only at the most recent similar step keeps deliberate re-runs
// out: if the last similar command succeeded, running it again is not a retry. Steps in
// between (an editor, a browser) do not break the link: "fix the file, then re-run".
//
// "Similar" compares the actions of the two lines (CommandLine: `cd x && make` acts by
// make), each as a reviewer names its program (.venv/bin/pip is pip; sudo, env, nice,
// time, timeout N, xargs, npx, uv run, poetry run, conda run -n, bundle exec, python -m
// are runners, and ssh host, docker exec, docker compose exec/run, kubectl exec --,
// sh -c, sg -c wrappers: the program they run acts). It is decided on the program and
// what it acts on, not on the exact options. Two actions are the same when their
// programs are equal, or one is the other mistyped (gti, git) and the shell found no
// such program (exit 127), and
//  - their verbs (first operands; `up` of docker compose up) are equal, or one is the
//    other mistyped (git stauts, git status), or both name the same target (below), or
//    they are values of an option changed, added or removed and what follows them is
//    the same (psql -U postgres shop, psql -U shop shop; ssh -i key host, ssh host;
//    curl URL, curl --resolve H:443:IP URL);
//  - never when both have a verb and they differ otherwise: another subcommand or
//    target (git status after git push, make format after make lint) is another action;
//    and the later still names one of the earlier's operands after the verb, if it had
//    any (pip install numpy after pip install requests installs another thing). Values
//    of options and bare numbers (a port, a pid) do not count, an operand mistyped is
//    kept (mvn clean verfy, mvn clean verify), and a target is the same in another directory
//    (revenue.db, data/revenue.db), inside a path (./..., ./internal/x), on another host
//    or port (http://a:8080/x, http://b:8081/x), in a same-named folder there
//    (host:/var/www/handbook/, host:/var/www/docs/handbook/), qualified (mirror,
//    mirror.acme.io; notes, notes.txt) or at another version (python=3.13, python=3.12);
//  - never when the earlier only checked (terraform fmt -check, --dry-run) and the later
//    does it for real: that is the fix, not the check again;
//  - otherwise (one has no verb) when the other's is a path (pytest, then pytest
//    tests/x.py) or their texts are within maxDistance (make, make all), unless each
//    has options the other lacks (csvcut -n FILE is no retry of csvcut -c col FILE).
// A line that re-runs a failed action among others (make && ./run_tests) retries it.
// The lookback is bounded, so linking is linear in the number of commands.
//
// R gets retryOf = F and attempt = F's attempt + 1; F gets retriedBy = R. A retry that
// no longer fails (ok, no result, stopped) gets recovers = the first failed attempt.
class RetryDetector
{
public:
    using Options = RetryOptions;

    RetryDetector() = default;
    explicit RetryDetector(Options options)
        : m_options(options)
    {}

    // Links the attempts (in step order) through their steps' outlines.
    void link(const std::vector<ShellAttempt>& attempts, std::vector<StepOutline>& steps) const;
    // The same for whole steps: what a trajectory's shell steps link to.
    void link(std::vector<Step>& steps) const;

    // Levenshtein distance divided by the longer length (0 identical, 1 nothing shared).
    static double normalisedDistance(std::string_view a, std::string_view b);
    bool similar(std::string_view a, std::string_view b) const;
    // Levenshtein distance, or limit + 1 as soon as it is known to exceed limit.
    static size_t editDistance(std::string_view a, std::string_view b, size_t limit);

private:
    // programNotFound: the earlier command failed because its program does not exist,
    // so a program one slip away is the same one typed right.
    bool similarActions(const std::vector<SimpleCommand>& earlier, const std::vector<SimpleCommand>& later,
                        bool programNotFound) const;
    bool sameAction(const SimpleCommand& a, const SimpleCommand& b, bool programNotFound) const;

    Options m_options;
};

} // namespace trailmark::chains
