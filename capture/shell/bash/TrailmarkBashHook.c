/* The bash hook as a loadable builtin: `enable -f trailmark-bash.so __tm_hook`.
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
 * The records are exactly those of the shell-only hook (format: SpoolRecord.h), and
 * the decisions what to record mirror __tm_preexec and __tm_unusual there line by line;
 * tests/shell/TestShellHooks runs every bash case against both.
 */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* In the order of bash's loadables.h: each needs the ones before it. */
#include "builtins.h"
#include "shell.h"
#include "common.h"
#include "execute_cmd.h"
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

/* Out of the way of the descriptors a user names (0-9) and of bash's own {var}
 * allocation, which counts up from 10. */
enum
{
    kFirstDescriptor = 100,
    kFieldSize = 32,
};

static struct
{
    int ready;          /* the next DEBUG trap is the first of a command line */
    long promptHistcmd; /* HISTCMD at the prompt: the number a new history entry gets */
    long commandNumber; /* commands started in this shell */
    char startTime[kFieldSize]; /* of the running command; empty between commands */
    char* directory;
    char* sessionId;
    long rotateRecords;
    long generation;
    long nextRotation; /* first command number the current file does not take */
    int spoolFd;
    dev_t spoolDevice;
    ino_t spoolInode;
    int failing; /* a write failed; said once until one succeeds */
    int ttyFd;   /* `trailmark shell`: where OSC 133 marks go, else -1 */
    long markedCommand;
    long endedCommand;
    char* buffer;
    size_t bufferSize;
} hook = {.spoolFd = -1, .ttyFd = -1};

static void formatNow(char* out)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(out, kFieldSize, "%lld.%06ld", (long long)now.tv_sec, now.tv_nsec / 1000);
}

static long numberOf(const char* variable)
{
    const char* text = get_string_value(variable);
    return text ? strtol(text, NULL, 10) : 0;
}

static int startsWith(const char* text, const char* prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static void closeSpool(void)
{
    if (hook.spoolFd >= 0)
        close(hook.spoolFd);
    hook.spoolFd = -1;
}

/* Opens the next generation of this shell's spool file; firstCommand is the first
 * command it will hold. A file that cannot be opened leaves spoolFd at -1, and the next
 * record tries again (as the shell-only hook writes to /dev/null until then). */
static void openSpool(long firstCommand)
{
    closeSpool();
    ++hook.generation;
    hook.nextRotation = firstCommand + (hook.rotateRecords > 1 ? hook.rotateRecords / 2 : 1);
    mkdir(hook.directory, 0700); /* EEXIST is the usual answer */
    size_t size = strlen(hook.directory) + strlen(hook.sessionId) + 48;
    char* path = malloc(size);
    if (!path)
        return;
    snprintf(path, size, "%s/%s.%ld.spool", hook.directory, hook.sessionId, hook.generation);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    if (fd < 0)
        return;
    hook.spoolFd = fcntl(fd, F_DUPFD_CLOEXEC, kFirstDescriptor);
    close(fd);
    struct stat status;
    if (hook.spoolFd >= 0 && fstat(hook.spoolFd, &status) == 0) {
        hook.spoolDevice = status.st_dev;
        hook.spoolInode = status.st_ino;
    } else {
        closeSpool();
    }
}

/* Before a record: the file must still be ours and in place (the ingester deletes a
 * finished file; a user's `exec 100>x` would replace the descriptor), and a file holds
 * TRAILMARK_SPOOL_ROTATE records. */
static void ensureSpool(long commandNumber)
{
    struct stat status;
    if (hook.spoolFd < 0 || commandNumber >= hook.nextRotation || fstat(hook.spoolFd, &status) != 0
        || status.st_nlink == 0 || status.st_dev != hook.spoolDevice || status.st_ino != hook.spoolInode)
        openSpool(commandNumber);
}

static int reserve(size_t size)
{
    if (size <= hook.bufferSize)
        return 1;
    char* grown = realloc(hook.buffer, size);
    if (!grown)
        return 0;
    hook.buffer = grown;
    hook.bufferSize = size;
    return 1;
}

static void writeAll(int fd, const char* data, size_t size)
{
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            if (!hook.failing && fd == hook.spoolFd)
                fprintf(stderr, "trailmark: cannot write to the shell spool in %s: %s\n", hook.directory,
                        strerror(errno));
            if (fd == hook.spoolFd)
                hook.failing = 1;
            return;
        }
        data += written;
        size -= (size_t)written;
    }
    if (fd == hook.spoolFd)
        hook.failing = 0;
}

/* Appends head (a NUL-ended C string) and then each text field with its NUL, and the
 * closing LF, as one write. */
static void writeRecord(const char* head, const char* first, const char* second)
{
    if (hook.spoolFd < 0)
        return;
    size_t headSize = strlen(head);
    size_t firstSize = first ? strlen(first) + 1 : 0;
    size_t secondSize = second ? strlen(second) + 1 : 0;
    size_t size = headSize + firstSize + secondSize + 1;
    if (!reserve(size))
        return;
    char* out = hook.buffer;
    memcpy(out, head, headSize);
    out += headSize;
    if (first) {
        memcpy(out, first, firstSize);
        out += firstSize;
    }
    if (second) {
        memcpy(out, second, secondSize);
        out += secondSize;
    }
    *out = '\n';
    writeAll(hook.spoolFd, hook.buffer, size);
}

static void writeStart(const char* command)
{
    formatNow(hook.startTime);
    ++hook.commandNumber;
    ensureSpool(hook.commandNumber);
    char head[3 * kFieldSize];
    snprintf(head, sizeof head, "S0\t%ld\t%s\t", hook.commandNumber, hook.startTime);
    const char* directory = get_string_value("PWD");
    writeRecord(head, directory ? directory : "", command);
}

/* __tm_preexec and __tm_unusual of trailmark.bash, with the `fc -l -0` line taken apart
 * already: the newest history entry and its number. */
static int start(void)
{
    if (!hook.ready)
        return EXECUTION_SUCCESS;
    const long newest = history_base + history_length - 1;
    const trailmark_hist_entry* entry = history_length > 0 ? history_get((int)newest) : NULL;
    const char* text = entry && entry->line ? entry->line : NULL;
    if (text && newest == hook.promptHistcmd && text[0] != '\0' && !strchr(" \t\n", text[0])
        && !startsWith(text, "tm note")) {
        hook.ready = 0;
        writeStart(text);
        return EXECUTION_SUCCESS;
    }
    /* Not a new history entry, or one not to record. HISTCMD tells a PROMPT_COMMAND
     * entry after ours or an empty line (HISTCMD still at the prompt's: wait for the next
     * command) from a line history did not take (a leading space under ignorespace, the
     * user's opt-out, or a repeat under ignoredups, which ran and is recorded). */
    const long histcmd = numberOf("HISTCMD");
    if (histcmd == hook.promptHistcmd && !(text && newest == hook.promptHistcmd))
        return EXECUTION_SUCCESS;
    hook.ready = 0;
    if (!text || (text[0] != '\0' && strchr(" \t\n\v\f\r", text[0])) || startsWith(text, "tm note"))
        return EXECUTION_SUCCESS;
    if (histcmd != hook.promptHistcmd) {
        const char* current = get_string_value("BASH_COMMAND");
        if (!startsWith(text, current ? current : ""))
            return EXECUTION_SUCCESS;
    }
    writeStart(text);
    return EXECUTION_SUCCESS;
}

static void mark(const char* format, ...) __attribute__((format(printf, 1, 2)));
static void mark(const char* format, ...)
{
    char text[256];
    va_list arguments;
    va_start(arguments, format);
    int size = vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    if (size > 0 && (size_t)size < sizeof text)
        writeAll(hook.ttyFd, text, (size_t)size);
}

static int end(void)
{
    const int status = last_command_exit_value;
    if (hook.startTime[0] != '\0') {
        char* pipestatus = NULL;
        SHELL_VAR* variable = find_variable("PIPESTATUS");
        if (variable && array_p(variable))
            pipestatus = array_to_string(array_cell(variable), " ", 0);
        char now[kFieldSize];
        formatNow(now);
        ensureSpool(hook.commandNumber);
        size_t size = 4 * kFieldSize + (pipestatus ? strlen(pipestatus) : 0);
        char* head = malloc(size);
        if (head) {
            /* Ends in LF itself: writeRecord adds the LF after text fields, and E0 has none. */
            int length = snprintf(head, size, "E0\t%ld\t%s\t%d\t%s\t%s\n", hook.commandNumber, now, status,
                                  pipestatus ? pipestatus : "", hook.startTime);
            if (length > 0 && (size_t)length < size && hook.spoolFd >= 0)
                writeAll(hook.spoolFd, head, (size_t)length);
            free(head);
        }
        free(pipestatus);
    }
    if (hook.ttyFd >= 0) {
        if (hook.commandNumber != hook.endedCommand) {
            hook.endedCommand = hook.commandNumber;
            mark("\033]133;D;%d;%s-%ld\a", status, hook.sessionId, hook.commandNumber);
        }
        mark("\033]133;A\a");
    }
    hook.startTime[0] = '\0';
    hook.promptHistcmd = numberOf("HISTCMD");
    hook.ready = 1;
    return status;
}

static int note(WORD_LIST* words)
{
    if (!words || !words->word)
        return EX_USAGE;
    char now[kFieldSize];
    formatNow(now);
    ensureSpool(hook.commandNumber + 1);
    char head[2 * kFieldSize];
    snprintf(head, sizeof head, "N0\t%s\t", now);
    writeRecord(head, words->word->word, NULL);
    return EXECUTION_SUCCESS;
}

static int init(WORD_LIST* words)
{
    const char* arguments[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < 4 && words; ++i, words = words->next)
        arguments[i] = words->word->word;
    if (!arguments[0] || !arguments[1] || !arguments[2] || words)
        return EX_USAGE;
    free(hook.directory);
    free(hook.sessionId);
    hook.directory = strdup(arguments[0]);
    hook.sessionId = strdup(arguments[1]);
    if (!hook.directory || !hook.sessionId)
        return EXECUTION_FAILURE;
    hook.rotateRecords = strtol(arguments[2], NULL, 10);
    if (arguments[3] && strcmp(arguments[3], "marks") == 0) {
        /* `trailmark shell`: marks around each command, for its output capture. */
        int fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) {
            hook.ttyFd = fcntl(fd, F_DUPFD_CLOEXEC, kFirstDescriptor);
            close(fd);
        }
    }
    /* A spool that cannot be opened now is tried again at each record. */
    openSpool(1);
    return EXECUTION_SUCCESS;
}

static int trailmarkHook(WORD_LIST* words)
{
    if (!words || !words->word)
        return EX_USAGE;
    const char* verb = words->word->word;
    if (strcmp(verb, "start") == 0) {
        int status = start();
        if (status == EXECUTION_SUCCESS && hook.ttyFd >= 0 && hook.startTime[0] != '\0'
            && hook.markedCommand != hook.commandNumber) {
            hook.markedCommand = hook.commandNumber;
            mark("\033]133;B\a\033]133;C;%s-%ld\a", hook.sessionId, hook.commandNumber);
        }
        return EXECUTION_SUCCESS;
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
    closeSpool();
    if (hook.ttyFd >= 0)
        close(hook.ttyFd);
    hook.ttyFd = -1;
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
