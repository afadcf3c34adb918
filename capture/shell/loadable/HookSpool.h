/* The spool writing shared by Trailmark's loadable shell hooks: the bash builtin
 * (BashBuiltin.c) and the zsh module (ZshModule.c). Each shell decides what a command
 * line is and when it starts and ends; this writes the records, exactly as the
 * shell-function hooks in resources/shell/ do (format: capture/shell/SpoolRecord.h):
 * one file per shell and generation, rotated after TRAILMARK_SPOOL_ROTATE records,
 * reopened when it vanished, 0600 in a 0700 directory, one write(2) per record.
 *
 * Plain C, no shell headers: it is compiled into each module, which keeps its own copy
 * of the state below (one shell process, one spool). */
#ifndef TRAILMARK_HOOK_SPOOL_H
#define TRAILMARK_HOOK_SPOOL_H

#include <stddef.h>

/* Once, at shell start. marks: also write `trailmark shell`'s OSC 133 marks (command
 * start, output start, end with status, prompt) to /dev/tty. 0 on success; a spool
 * that cannot be opened now is tried again at each record. */
int hookSpoolInit(const char* directory, const char* sessionId, long rotateRecords, int marks);

/* A command line starts: an S0 record with the working directory and the line, both
 * byte strings of the given sizes. */
void hookSpoolStart(const char* directory, size_t directorySize, const char* command, size_t commandSize);

/* The prompt is back: the E0 record of the running command, if one runs. pipestatus is
 * the exit of each pipeline member separated by single spaces (may be empty). */
void hookSpoolEnd(int status, const char* pipestatus);

/* `tm note TEXT`. */
void hookSpoolNote(const char* text, size_t textSize);

/* Closes the spool and the terminal, when the module is unloaded. */
void hookSpoolClose(void);

#endif
