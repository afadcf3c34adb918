#pragma once

#include <string_view>
#include <vector>

namespace trailmark::chains {

// One simple command of a command line: its words as typed (a quoted string is one word,
// quotes kept), and where the program is once what only changes how it runs is skipped.
struct SimpleCommand
{
    std::vector<std::string_view> words;
    // The program as a reviewer names it: without its directory (".venv/bin/pip" is
    // "pip"), without a version ("python3.12" is "python", "pip3" is "pip"), a project's
    // wrapper script as its tool ("./gradlew" is "gradle", "./mvnw" is "mvn"), past
    // environment assignments, sudo, env, time, nice, timeout, xargs and runners (npx,
    // uv run, poetry run, conda run, bundle exec, python -m, bash script.sh), and past
    // wrappers that run it elsewhere (ssh host CMD, docker exec CONTAINER CMD, docker
    // compose exec/run SERVICE CMD, kubectl exec POD -- CMD, sh -c CMD, sg GROUP -c CMD,
    // su -c CMD): the program that acts. Empty for a command of assignments only.
    std::string_view program;
    // The program's name as typed, without its directory: where typos are.
    std::string_view typedProgram;
    // The words after the program.
    std::vector<std::string_view> arguments;
    // The command line a wrapper runs when it is given as one quoted word
    // (ssh host 'cd /srv && make'), without its quotes; empty otherwise. CommandLine
    // parses it in the wrapper's place.
    std::string_view wrappedLine;

    // The first argument that is neither an option nor the value of a common option
    // that takes one ("push" of "git -C repo push -f origin", "get" of "kubectl -n ns
    // get pods"), or empty.
    std::string_view firstOperand() const;
    // What the command does, as far as telling two actions apart needs: the first
    // operand, or the script a package manager runs ("build" of "npm run build").
    std::string_view verb() const;
    bool hasArgument(std::string_view word) const;
};

// A pipeline (`a | b`), and the operator that joins it to the one before ("&&", "||",
// ";", or empty for the first).
struct Pipeline
{
    std::string_view joinedBy;
    std::vector<SimpleCommand> commands;
};

// A command line as far as outcomes and retries need it: its pipelines and their
// commands, split at unquoted operators (fish's `; and`, `; or` join as && and ||).
// Nothing is expanded; subshells and here documents stay words. A line a wrapper runs
// (ssh host '…', sh -c '…') takes the wrapper's place when the wrapper is alone in its
// pipeline, and lends its deciding command to the wrapper otherwise. Bounded in size
// so that a pasted script costs little.
struct CommandLine
{
    std::vector<Pipeline> pipelines;

    static CommandLine parse(std::string_view text);
    // The pipeline whose status the shell reports: the last one.
    const Pipeline* lastPipeline() const { return pipelines.empty() ? nullptr : &pipelines.back(); }
    // The command whose status the line reports: the last one run. In
    // `[ -f x ] && echo yes` a failing test leaves echo unrun, so the test decides; only
    // echo-like endings are seen through.
    const SimpleCommand* decider() const;
};

// Optimal string alignment distance (Levenshtein plus swapping two neighbours), or
// limit + 1 once it is known to exceed limit. Typos are mostly swaps: "gti", "sytemctl".
size_t typoDistance(std::string_view a, std::string_view b, size_t limit);
// Whether b is a, typed with one slip: a swap, a missing or extra letter, or a wrong
// letter (not a digit: "host1" and "host2" are two hosts); two slips in longer names.
bool isTypoOf(std::string_view a, std::string_view b);

} // namespace trailmark::chains
