#!/bin/sh
# Deploys a new jar of ${artifactId} with zero downtime:  deploy/deploy.sh target/${artifactId}.jar
NAME='${artifactId}'
#* Velocity fills in artifactId above, and copies the rest (an unparsed block) as it is. *#
#[[#
#
# 1. copies the jar to APP_DIR/releases/NAME-<UTC time>.jar;
# 2. points APP_DIR/current.jar at it: a new symlink renamed over the old one, so that current.jar always names
#    a whole jar (the app's deploy path: the unit runs java -jar APP_DIR/current.jar);
# 3. sends SIGUSR2 to the pid in PID_FILE: Baton starts the new jar as a child that inherits the socket;
# 4. waits until PID_FILE names a new, live process and the port answers.
# If the upgrade fails, the running process keeps serving: current.jar is pointed back at the release that runs,
# and this exits 1 with the reason. If the app is not running, it only does 1 and 2: start the app then.
#
# Settings (environment), defaults as in deploy/NAME.service:
#   APP_DIR       /opt/NAME                where releases/ and current.jar are
#   PID_FILE      /run/NAME/NAME.pid       written by the serving generation (-Dbaton.pidFile)
#   PORT          8080                     the app's port, asked on 127.0.0.1
#   APP_LOG       (none)                   the app's log file, for the reason of a failed upgrade; without it the
#                                          journal of unit NAME is read, where there is one
#   WAIT_SECONDS  90                       longer than Baton's readyTimeout (60s)
# Needs curl or wget, and GNU mv (-T).
set -eu

APP_DIR=${APP_DIR:-/opt/$NAME}
PID_FILE=${PID_FILE:-/run/$NAME/$NAME.pid}
PORT=${PORT:-8080}
APP_LOG=${APP_LOG:-}
WAIT_SECONDS=${WAIT_SECONDS:-90}

say() { echo "deploy: $*"; }
fail() { echo "deploy: $*" >&2; exit 1; }

# The pid of the serving generation, if the pid file names a live process.
live_pid() {
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Whether anything answers HTTP on the port (any status will do).
answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/"
  else
    # wget exits 8 when the answer is an HTTP error: an answer all the same
    wget -q -O /dev/null -T 5 -t 1 "http://127.0.0.1:$PORT/" || [ $? -eq 8 ]
  fi
}

# Points current.jar at $1 with one rename: whoever opens current.jar finds the old jar or the new one.
switch_to() {
  ln -sfn "$1" "$APP_DIR/.current.jar.$$"
  mv -T "$APP_DIR/.current.jar.$$" "$APP_DIR/current.jar"
}

# What the app logged since the signal.
new_log_lines() {
  if [ -n "$APP_LOG" ]; then
    tail -c +"$((log_size + 1))" "$APP_LOG" 2>/dev/null || true
  elif command -v journalctl >/dev/null 2>&1; then
    journalctl -q -o cat -u "$NAME" --since "@$started" 2>/dev/null || true
  fi
}

# Back to the release that runs, so that a restart starts what served; the failed release stays for a look.
roll_back() {
  if [ -n "$previous" ]; then
    switch_to "$previous"
    say "current.jar points at $previous again; $release stays in releases/"
  else
    say "current.jar was no symlink before: it still points at $release"
  fi
}

[ $# -eq 1 ] || { echo "usage: $0 NEW_JAR" >&2; exit 2; }
jar=$1
if [ ! -f "$jar" ] || [ ! -r "$jar" ]; then
  fail "no readable file at $jar"
fi
if ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
  fail "needs curl or wget, to see that the new generation answers"
fi

old_pid=$(live_pid) || old_pid=
if [ -z "$old_pid" ] && answers; then
  fail "something answers on port $PORT, but $PID_FILE names no live process: check PID_FILE and PORT"
fi

mkdir -p "$APP_DIR/releases"
release=releases/$NAME-$(date -u +%Y%m%dT%H%M%SZ).jar
if [ -e "$APP_DIR/$release" ]; then
  release=releases/$NAME-$(date -u +%Y%m%dT%H%M%SZ)-$$.jar
fi
# Copied under another name first: releases/*.jar are whole jars only.
cp "$jar" "$APP_DIR/$release.part"
mv "$APP_DIR/$release.part" "$APP_DIR/$release"
previous=$(readlink "$APP_DIR/current.jar" 2>/dev/null) || previous=

if [ -z "$old_pid" ]; then
  switch_to "$release"
  say "$NAME is not running; current.jar -> $release: start it (systemctl start $NAME)"
  exit 0
fi

log_size=0
if [ -n "$APP_LOG" ] && [ -f "$APP_LOG" ]; then
  log_size=$(wc -c <"$APP_LOG")
fi
started=$(date +%s)
switch_to "$release"
if ! kill -USR2 "$old_pid"; then
  roll_back
  fail "cannot signal pid $old_pid: run this as root or as the app's user"
fi
say "pid $old_pid starts $release"

deadline=$((started + WAIT_SECONDS))
while :; do
  if new_pid=$(live_pid) && [ "$new_pid" != "$old_pid" ] && answers; then
    say "pid $new_pid serves $release; pid $old_pid drains and exits"
    exit 0
  fi
  if line=$(new_log_lines | grep -m 1 -E 'upgrade (failed|refused)'); then
    roll_back
    # Baton's line, from "gen=N pid=N upgrade ..." on
    fail "$(echo "$line" | sed -E 's/.*(gen=[0-9]+ pid=[0-9]+ upgrade)/\1/')"
  fi
  if ! kill -0 "$old_pid" 2>/dev/null && ! live_pid >/dev/null; then
    roll_back
    fail "pid $old_pid is gone and no new one serves: see the app's log"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    roll_back
    fail "no new generation serves after $WAIT_SECONDS s; pid $old_pid keeps serving: see the app's log"
  fi
  sleep 0.2
done
#]]#
