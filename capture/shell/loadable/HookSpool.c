#include "HookSpool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Out of the way of the descriptors a user names (0-9) and of the shells' own
 * allocation ({var} in bash and zsh counts up from 10). */
enum
{
    kFirstDescriptor = 100,
    kFieldSize = 32,
};

static struct
{
    char* directory;
    char* sessionId;
    long rotateRecords;
    long generation;
    long nextRotation; /* first command number the current file does not take */
    int spoolFd;
    dev_t spoolDevice;
    ino_t spoolInode;
    int failing;                /* a write failed; said once until one succeeds */
    long commandNumber;         /* commands started in this shell */
    char startTime[kFieldSize]; /* of the running command; empty between commands */
    int ttyFd;                  /* `trailmark shell`: where OSC 133 marks go, else -1 */
    long markedCommand;
    long endedCommand;
    char* buffer;
    size_t bufferSize;
} spool = {.spoolFd = -1, .ttyFd = -1};

/* The hooks run on every command line, where printf's format parsing is most of what
 * writing a record costs; these append the few kinds of field the records have. Each
 * returns the end of what it wrote. */
static char* appendText(char* out, const char* text)
{
    const size_t size = strlen(text);
    memcpy(out, text, size);
    return out + size;
}

static char* appendNumber(char* out, long long value)
{
    char digits[24];
    int count = 0;
    unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[count++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        *out++ = '-';
    while (count > 0)
        *out++ = digits[--count];
    return out;
}

/* Unix time in seconds with six fraction digits, NUL-ended (fits kFieldSize). */
static void formatNow(char* out)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    out = appendNumber(out, (long long)now.tv_sec);
    *out++ = '.';
    long micros = now.tv_nsec / 1000;
    for (int i = 5; i >= 0; --i, micros /= 10)
        out[i] = (char)('0' + micros % 10);
    out[6] = '\0';
}

static void closeSpool(void)
{
    if (spool.spoolFd >= 0)
        close(spool.spoolFd);
    spool.spoolFd = -1;
}

/* mkdir -p with mode 0700 for each directory it makes, as `umask 077; mkdir -p`. */
static void makeDirectories(const char* path)
{
    char* partial = strdup(path);
    if (!partial)
        return;
    for (char* slash = strchr(partial + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(partial, 0700);
        *slash = '/';
    }
    mkdir(partial, 0700);
    free(partial);
}

/* Opens the next generation of this shell's spool file; firstCommand is the first
 * command it will hold. A file that cannot be opened leaves spoolFd at -1, and the next
 * record tries again (as the shell-function hooks write to /dev/null until then). */
static void openSpool(long firstCommand)
{
    closeSpool();
    ++spool.generation;
    spool.nextRotation = firstCommand + (spool.rotateRecords > 1 ? spool.rotateRecords / 2 : 1);
    struct stat status;
    if (stat(spool.directory, &status) != 0)
        makeDirectories(spool.directory);
    size_t size = strlen(spool.directory) + strlen(spool.sessionId) + 48;
    char* path = malloc(size);
    if (!path)
        return;
    snprintf(path, size, "%s/%s.%ld.spool", spool.directory, spool.sessionId, spool.generation);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    if (fd < 0)
        return;
    spool.spoolFd = fcntl(fd, F_DUPFD_CLOEXEC, kFirstDescriptor);
    close(fd);
    if (spool.spoolFd >= 0 && fstat(spool.spoolFd, &status) == 0) {
        spool.spoolDevice = status.st_dev;
        spool.spoolInode = status.st_ino;
    } else {
        closeSpool();
    }
}

/* The file must still be ours and in place: the ingester deletes a finished file, and a
 * user's `exec 100>x` would replace the descriptor. */
static int spoolInPlace(void)
{
    struct stat status;
    return spool.spoolFd >= 0 && fstat(spool.spoolFd, &status) == 0 && status.st_nlink > 0 &&
           status.st_dev == spool.spoolDevice && status.st_ino == spool.spoolInode;
}

/* Before a command's record: a file holds TRAILMARK_SPOOL_ROTATE records. */
static void ensureSpool(long commandNumber)
{
    if (commandNumber >= spool.nextRotation || !spoolInPlace())
        openSpool(commandNumber);
}

/* One whole record, or none: a write that stops part way (disk full, file size limit)
 * is cut back, so the next record does not start inside a torn one. The first failure
 * is said on stderr; the next success resets that. */
static void writeAll(int fd, const char* data, size_t size)
{
    const int toSpool = fd == spool.spoolFd;
    size_t done = 0;
    while (done < size) {
        ssize_t written = write(fd, data + done, size - done);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            const int error = written < 0 ? errno : ENOSPC;
            if (toSpool && done > 0) {
                /* Should this fail too, the ingester reports the torn record. */
                const off_t end = lseek(fd, 0, SEEK_CUR);
                if (end >= (off_t)done)
                    (void)!ftruncate(fd, end - (off_t)done);
            }
            if (toSpool && !spool.failing)
                fprintf(stderr, "trailmark: cannot write to the shell spool in %s: %s\n", spool.directory,
                        strerror(error));
            spool.failing = spool.failing || toSpool;
            return;
        }
        done += (size_t)written;
    }
    if (toSpool)
        spool.failing = 0;
}

/* Appends head, then each text field with its NUL and the closing LF, as one write. */
static void writeRecord(const char* head, const char* first, size_t firstSize, const char* second, size_t secondSize)
{
    if (spool.spoolFd < 0)
        return;
    const size_t headSize = strlen(head);
    const size_t size = headSize + firstSize + 1 + (second ? secondSize + 1 : 0) + 1;
    if (size > spool.bufferSize) {
        char* grown = realloc(spool.buffer, size);
        if (!grown)
            return;
        spool.buffer = grown;
        spool.bufferSize = size;
    }
    char* out = spool.buffer;
    memcpy(out, head, headSize);
    out += headSize;
    memcpy(out, first, firstSize);
    out += firstSize;
    *out++ = '\0';
    if (second) {
        memcpy(out, second, secondSize);
        out += secondSize;
        *out++ = '\0';
    }
    *out = '\n';
    writeAll(spool.spoolFd, spool.buffer, size);
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
        writeAll(spool.ttyFd, text, (size_t)size);
}

int hookSpoolInit(const char* directory, const char* sessionId, long rotateRecords, int marks)
{
    hookSpoolClose();
    free(spool.directory);
    free(spool.sessionId);
    spool.directory = strdup(directory);
    spool.sessionId = strdup(sessionId);
    if (!spool.directory || !spool.sessionId)
        return -1;
    spool.rotateRecords = rotateRecords;
    if (marks) {
        int fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) {
            spool.ttyFd = fcntl(fd, F_DUPFD_CLOEXEC, kFirstDescriptor);
            close(fd);
        }
    }
    openSpool(1);
    return 0;
}

void hookSpoolStart(const char* directory, size_t directorySize, const char* command, size_t commandSize)
{
    formatNow(spool.startTime);
    ++spool.commandNumber;
    ensureSpool(spool.commandNumber);
    char head[3 * kFieldSize];
    char* end = appendText(head, "S0\t");
    end = appendNumber(end, spool.commandNumber);
    *end++ = '\t';
    end = appendText(end, spool.startTime);
    *end++ = '\t';
    *end = '\0';
    writeRecord(head, directory, directorySize, command, commandSize);
    if (spool.ttyFd >= 0 && spool.markedCommand != spool.commandNumber) {
        spool.markedCommand = spool.commandNumber;
        mark("\033]133;B\a\033]133;C;%s-%ld\a", spool.sessionId, spool.commandNumber);
    }
}

void hookSpoolEnd(int status, const char* pipestatus)
{
    if (spool.startTime[0] != '\0') {
        char now[kFieldSize];
        formatNow(now);
        ensureSpool(spool.commandNumber);
        /* No text fields: the record is one line. */
        const size_t pipestatusSize = strlen(pipestatus);
        char fixed[6 * kFieldSize];
        char* record = pipestatusSize < kFieldSize ? fixed : malloc(5 * kFieldSize + pipestatusSize);
        if (record) {
            char* end = appendText(record, "E0\t");
            end = appendNumber(end, spool.commandNumber);
            *end++ = '\t';
            end = appendText(end, now);
            *end++ = '\t';
            end = appendNumber(end, status);
            *end++ = '\t';
            memcpy(end, pipestatus, pipestatusSize);
            end += pipestatusSize;
            *end++ = '\t';
            end = appendText(end, spool.startTime);
            *end++ = '\n';
            if (spool.spoolFd >= 0)
                writeAll(spool.spoolFd, record, (size_t)(end - record));
            if (record != fixed)
                free(record);
        }
    }
    if (spool.ttyFd >= 0) {
        if (spool.commandNumber != spool.endedCommand) {
            spool.endedCommand = spool.commandNumber;
            mark("\033]133;D;%d;%s-%ld\a", status, spool.sessionId, spool.commandNumber);
        }
        mark("\033]133;A\a");
    }
    spool.startTime[0] = '\0';
}

void hookSpoolNote(const char* text, size_t textSize)
{
    char now[kFieldSize];
    formatNow(now);
    /* As the shell-function hooks: a note replaces a vanished file but does not rotate. */
    if (!spoolInPlace())
        openSpool(spool.commandNumber + 1);
    char head[2 * kFieldSize];
    char* end = appendText(head, "N0\t");
    end = appendText(end, now);
    *end++ = '\t';
    *end = '\0';
    writeRecord(head, text, textSize, NULL, 0);
}

void hookSpoolClose(void)
{
    closeSpool();
    if (spool.ttyFd >= 0)
        close(spool.ttyFd);
    spool.ttyFd = -1;
}
