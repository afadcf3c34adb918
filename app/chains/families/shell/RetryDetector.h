#pragma once

#include "chains/families/RetryOptions.h"

#include <string_view>
#include <utility>
#include <vector>

namespace trailmark::chains {

struct Step;

// Finds retries among a session's shell steps and links them.
//
// A shell step R retries an earlier step F when, looking back from R through the
// steps of the SAME shell session (shell_session_id; an empty id counts as one shell,
// as in an imported history), the most recent step similar to R is F and F failed,
// and R started within the time window after F ended. "Similar" is a normalised
// Levenshtein distance of the command texts within maxDistance, or the same program
// with the same first argument. Looking only at the most recent similar step is what
// keeps deliberate re-runs out: if the last similar command succeeded, running it again
// is not a retry. Steps in between (an editor, a browser) do not break the link; that is
// how "fix the file, then re-run" is recognised.
//
// R gets retryOf = F and attempt = F's attempt + 1; F gets retriedBy = R. A retry that
// succeeds gets recovers = the first failed attempt of its chain.
class RetryDetector
{
public:
    using Options = RetryOptions;

    RetryDetector() = default;
    explicit RetryDetector(Options options)
        : m_options(options)
    {}

    void link(std::vector<Step>& steps) const;

    // Levenshtein distance divided by the longer length (0 identical, 1 nothing shared).
    static double normalisedDistance(std::string_view a, std::string_view b);
    bool similar(std::string_view a, std::string_view b) const;
    // Levenshtein distance, or limit + 1 as soon as it is known to exceed limit.
    static size_t editDistance(std::string_view a, std::string_view b, size_t limit);

    // A command's program and first operand.
    using CommandKey = std::pair<std::string_view, std::string_view>;

private:
    bool similar(std::string_view a, std::string_view b, const CommandKey& keyA, const CommandKey& keyB) const;

    Options m_options;
};

} // namespace trailmark::chains
