/* The zsh hook as a module: `zmodload trailmark_zsh` (from module_path) defines the
 * builtin __tm_hook.
 *
 * Why: zsh runs a shell function's statements slowly; the shell-function hook in
 * resources/shell/trailmark.zsh spends about 110,000 instructions per command line on
 * them (expanding $'\t' escapes at run time, formatting $EPOCHREALTIME through the C
 * locale, testing the file, joining the record), several times what calling the two
 * hook functions costs. With the module each hook function makes one builtin call and
 * HookSpool.c writes the record with one write(2). It runs inside the shell: no fork,
 * no exec, nothing on the network. The shell functions stay the fallback for a zsh this
 * was not built for (see setup_).
 *
 * Usage, all from resources/shell/trailmark.zsh:
 *   __tm_hook init DIR SESSION_ID ROTATE [marks]    once, at shell start; "marks":
 *                                                   OSC 133 marks to /dev/tty
 *   __tm_hook start COMMAND_LINE                    preexec, with its $1
 *   __tm_hook end STATUS [PIPESTATUS...]            first precmd, with $? and $pipestatus;
 *                                                   returns STATUS
 *   __tm_hook note TEXT                             `tm note TEXT`
 * zsh hands builtins "metafied" strings (bytes 0x83-0x9f and NUL escaped); each text is
 * unmetafied first, so the record holds the line's bytes exactly. A NUL in the line ends
 * its field early, as in the shell-function hook: the ingester then reports the record
 * as malformed instead of storing a wrong command.
 */

/* zsh's headers first, as in zsh's own modules: its config.h sets feature macros for
 * every system header after it. */
/* clang-format off */
#include <zsh/zsh.mdh>
#include <zsh/version.h>
/* clang-format on */

#include "HookSpool.h"

#include <stdlib.h>
#include <string.h>

/* A plain malloc'd copy of a metafied zsh string, unmetafied; *size is its length. */
static char* unmetafied(const char* text, int* size)
{
    char* copy = strdup(text);
    if (copy)
        unmetafy(copy, size);
    return copy;
}

static int start(char* const* arguments)
{
    if (!arguments[0])
        return 1;
    int size = 0;
    char* command = unmetafied(arguments[0], &size);
    if (!command)
        return 1;
    /* A leading space is the user's opt-out; `tm note` records itself as a note. */
    if (size > 0 && !strchr(" \t\n\v\f\r", command[0]) && strncmp(command, "tm note", 7) != 0) {
        char name[] = "PWD";
        const char* directory = getsparam_u(name);
        if (!directory)
            directory = "";
        hookSpoolStart(directory, strlen(directory), command, (size_t)size);
    }
    free(command);
    return 0;
}

static int end(char* const* arguments)
{
    if (!arguments[0])
        return 1;
    const int status = atoi(arguments[0]);
    size_t size = 1;
    for (char* const* member = arguments + 1; *member; ++member)
        size += strlen(*member) + 1;
    char* pipestatus = malloc(size);
    if (pipestatus) {
        char* out = pipestatus;
        for (char* const* member = arguments + 1; *member; ++member) {
            if (out != pipestatus)
                *out++ = ' ';
            const size_t length = strlen(*member);
            memcpy(out, *member, length);
            out += length;
        }
        *out = '\0';
        hookSpoolEnd(status, pipestatus);
        free(pipestatus);
    }
    return status;
}

static int note(char* const* arguments)
{
    if (!arguments[0] || arguments[1])
        return 2;
    int size = 0;
    char* text = unmetafied(arguments[0], &size);
    if (!text)
        return 1;
    hookSpoolNote(text, (size_t)size);
    free(text);
    return 0;
}

static int init(char* const* arguments)
{
    for (int i = 0; i < 3; ++i)
        if (!arguments[i])
            return 2;
    if (arguments[3] && arguments[4])
        return 2;
    int size = 0;
    char* directory = unmetafied(arguments[0], &size);
    if (!directory)
        return 1;
    const int marks = arguments[3] && strcmp(arguments[3], "marks") == 0;
    const int result = hookSpoolInit(directory, arguments[1], strtol(arguments[2], NULL, 10), marks);
    free(directory);
    return result == 0 ? 0 : 1;
}

static int trailmarkHook(char* name, char** arguments, Options options, int function)
{
    (void)options;
    (void)function;
    const char* verb = arguments[0];
    if (strcmp(verb, "start") == 0)
        return start(arguments + 1);
    if (strcmp(verb, "end") == 0)
        return end(arguments + 1);
    if (strcmp(verb, "note") == 0)
        return note(arguments + 1);
    if (strcmp(verb, "init") == 0)
        return init(arguments + 1);
    zwarnnam(name, "unknown verb: %s", verb);
    return 2;
}

static struct builtin builtins[] = {
    BUILTIN("__tm_hook", 0, trailmarkHook, 1, -1, 0, NULL, NULL),
};

static struct features moduleFeatures = {
    builtins, sizeof(builtins) / sizeof(*builtins), NULL, 0, NULL, 0, NULL, 0, 0,
};

/* zsh's module interface. The module calls into zsh's own functions and reads its
 * strings, so it loads only into the zsh version whose headers it was built with. */
int setup_(Module module)
{
    (void)module;
    char name[] = "ZSH_VERSION";
    const char* running = getsparam(name);
    return running && strcmp(running, ZSH_VERSION) == 0 ? 0 : 1;
}

int features_(Module module, char*** features)
{
    *features = featuresarray(module, &moduleFeatures);
    return 0;
}

int enables_(Module module, int** enables)
{
    return handlefeatures(module, &moduleFeatures, enables);
}

int boot_(Module module)
{
    (void)module;
    return 0;
}

int cleanup_(Module module)
{
    hookSpoolClose();
    return setfeatureenables(module, &moduleFeatures, NULL);
}

int finish_(Module module)
{
    (void)module;
    return 0;
}
