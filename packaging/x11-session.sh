#!/usr/bin/env bash
# Runs a command inside an X display (started by xvfb-run) after starting openbox on
# it, so windows get focus and _NET_ACTIVE_WINDOW the way they do on a desktop. Used
# by dev.sh for the app and the tests.
set -uo pipefail

openbox --sm-disable >/dev/null 2>&1 &
wm=$!
# Wait until the window manager has taken the screen (it sets _NET_SUPPORTING_WM_CHECK).
for _ in $(seq 1 100); do
    xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && break
    sleep 0.05
done

"$@"
status=$?
kill "$wm" 2>/dev/null
wait "$wm" 2>/dev/null
exit $status
