/* The bash hook as a loadable builtin: `enable -f trailmark_bash.so __tm_hook`.
 *
 * Why: the shell-only hook in resources/shell/trailmark.bash costs bash about 80-110 us of
 * CPU per command line. Most of that is bash itself: every built-in with a redirection
 * saves and restores a file descriptor (9-11 system calls), and every function call
 * copies the function's body. This builtin does the same work in one call on each side
 * of a command and one write(2) per record, reading what it needs (the history entry,
 * $PWD, $?, PIPESTATUS, HISTCMD) from bash's own state. It runs inside the shell: no
 * fork, no exec, nothing on the network. The shell-only hook stays the fallback for a
 * bash this was not built for (see __tm_hook_builtin_load).
 *
 * Usage, all from resources/shell/trailmark.bash:
 *   __tm_hook init DIR SESSION_ID ROTATE [marks]    once, at shell start; "marks":
 *                                                   OSC 133 marks to /dev/tty
 *   __tm_hook start                                 DEBUG trap: a command line begins
 *   __tm_hook end                                   first PROMPT_COMMAND entry; returns $?
 *   __tm_hook note TEXT                             `tm note TEXT`
 * The records are exactly those of the shell-only hook (written by HookSpool.c), and
 * the decisions what to record mirror __tm_preexec and __tm_unusual there line by line;
 * tests/shell/TestShellHooks runs every bash case against both.
 */

/* bash's config.h first, as in bash's own sources: it sets _FILE_OFFSET_BITS and the
 * like for every header after it. */
/* clang-format off */
#include <config.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

/* In the order of bash's loadables.h: each needs the ones before it. */
/* clang-format off */
#include "builtins.h"
#include "shell.h"
#include "common.h"
#include "execute_cmd.h"
/* clang-format on */
#include "HookSpool.h"
#include "version.h"

/* From bash's bundled readline history library, which bash exports but whose header
 * bash-builtins does not ship. The entry layout has been the same since readline 5. */
typedef struct trailmark_hist_entry
{
    char* line;
    char* timestamp;
    void* data;
} trailmark_hist_entry;
extern trailmark_hist_entry* history_get(int offset);
extern int history_base;
extern int history_length;

static struct
{
    int ready;          /* the next DEBUG trap is the first of a command line */
    long promptHistcmd; /* HISTCMD at the prompt: the number a new history entry gets */
} hook;

static long numberOf(const char* variable)
{
    const char* text = get_string_value(variable);
    return text ? strtol(text, NULL, 10) : 0;
}

static int startsWith(const char* text, const char* prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static void recordStart(const char* command)
{
    const char* directory = get_string_value("PWD");
    if (!directory)
        directory = "";
    hookSpoolStart(directory, strlen(directory), command, strlen(command));
}

/* __tm_preexec and __tm_unusual of trailmark.bash, with the `fc -l -0` line taken apart
 * already: the newest history entry and its number. */
static void start(void)
{
    if (!hook.ready)
        return;
    const long newest = history_base + history_length - 1;
    const trailmark_hist_entry* entry = history_length > 0 ? history_get((int)newest) : NULL;
    const char* text = entry && entry->line ? entry->line : NULL;
    if (text && newest == hook.promptHistcmd && text[0] != '\0' && !strchr(" \t\n", text[0]) &&
        !startsWith(text, "tm note")) {
        hook.ready = 0;
        recordStart(text);
        return;
    }
    /* Not a new history entry, or one not to record. HISTCMD tells a PROMPT_COMMAND
     * entry after ours or an empty line (HISTCMD still at the prompt's: wait for the next
     * command) from a line history did not take (a leading space under ignorespace, the
     * user's opt-out, or a repeat under ignoredups, which ran and is recorded). */
    const long histcmd = numberOf("HISTCMD");
    if (histcmd == hook.promptHistcmd && !(text && newest == hook.promptHistcmd))
        return;
    hook.ready = 0;
    if (!text || (text[0] != '\0' && strchr(" \t\n\v\f\r", text[0])) || startsWith(text, "tm note"))
        return;
    if (histcmd != hook.promptHistcmd) {
        const char* current = get_string_value("BASH_COMMAND");
        if (!startsWith(text, current ? current : ""))
            return;
    }
    recordStart(text);
}

static int end(void)
{
    const int status = last_command_exit_value;
    char* pipestatus = NULL;
    SHELL_VAR* variable = find_variable("PIPESTATUS");
    if (variable && array_p(variable))
        pipestatus = array_to_string(array_cell(variable), " ", 0);
    hookSpoolEnd(status, pipestatus ? pipestatus : "");
    free(pipestatus);
    hook.promptHistcmd = numberOf("HISTCMD");
    hook.ready = 1;
    return status;
}

static int note(WORD_LIST* words)
{
    if (!words || !words->word || words->next)
        return EX_USAGE;
    hookSpoolNote(words->word->word, strlen(words->word->word));
    return EXECUTION_SUCCESS;
}

static int init(WORD_LIST* words)
{
    const char* arguments[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < 4 && words; ++i, words = words->next)
        arguments[i] = words->word->word;
    if (!arguments[0] || !arguments[1] || !arguments[2] || words)
        return EX_USAGE;
    const int marks = arguments[3] && strcmp(arguments[3], "marks") == 0;
    return hookSpoolInit(arguments[0], arguments[1], strtol(arguments[2], NULL, 10), marks) == 0 ? EXECUTION_SUCCESS
                                                                                                 : EXECUTION_FAILURE;
}

static int trailmarkHook(WORD_LIST* words)
{
    if (!words || !words->word)
        return EX_USAGE;
    const char* verb = words->word->word;
    if (strcmp(verb, "start") == 0) {
        start();
        return EXECUTION_SUCCESS; /* with extdebug, anything else would skip the command */
    }
    if (strcmp(verb, "end") == 0)
        return end();
    if (strcmp(verb, "note") == 0)
        return note(words->next);
    if (strcmp(verb, "init") == 0)
        return init(words->next);
    builtin_error("unknown verb: %s", verb);
    return EX_USAGE;
}

/* Called by `enable -f`; 0 refuses the load. The builtin reads bash's own variables and
 * history, so it loads only into the bash version whose headers it was built with. */
int __tm_hook_builtin_load(char* name)
{
    (void)name;
    return dist_version && strcmp(dist_version, DISTVERSION) == 0;
}

void __tm_hook_builtin_unload(char* name)
{
    (void)name;
    hookSpoolClose();
}

static char* documentation[] = {
    "Trailmark's shell hook (see `trailmark init bash`).",
    "",
    "Writes the start and end of each command line, and notes, to Trailmark's spool.",
    NULL,
};

struct builtin __tm_hook_struct = {
    "__tm_hook", trailmarkHook, BUILTIN_ENABLED, documentation, "__tm_hook init|start|end|note ...", NULL,
};
