#!/bin/sh
# Deploys a new jar of ${artifactId} with zero downtime:  deploy/deploy.sh [--create] target/${artifactId}.jar
NAME='${artifactId}'
#* Velocity fills in artifactId above, and copies the rest (an unparsed block) as it is. *#
#[[#
#
# 1. copies the jar to APP_DIR/releases/NAME-<UTC time>.jar;
# 2. points APP_DIR/current.jar at it: a new symlink renamed over the old one, so that current.jar always names
#    a whole jar (the app's deploy path: the unit runs java -jar APP_DIR/current.jar);
# 3. makes the class-data archive of the new jar (current.jar.jsa on JDK 17-24, current.jar.aot on JDK 25+)
#    from a training run (-Dbaton.train=true: the app serves on a private port, runs its warm-up, exits), so that
#    the new generation starts and warms up faster; a release whose self-check fails there is refused at once;
# 4. runs the baton command (dev.baton.ops.Cli, what deploy/baton runs) of the release that runs: it sends SIGUSR2
#    to the pid in PID_FILE (Baton starts the new jar as a child that inherits the socket), waits until PID_FILE
#    names a new process whose /baton/status says it serves, then until the old process has left: once it drained,
#    it stays parked on probation (baton.probation, 30s by default), ready to take the service back should the new
#    one die, and exits when probation passed.
# If the upgrade fails, or the new release dies on probation, the old process keeps serving: current.jar is
# pointed back at the release that runs, and this exits 1 with Baton's reason. If the app is not running, it only
# does 1 to 3: start the app then.
#
# Without systemd, e.g. on your own machine: APP_DIR=. deploys into the current directory (the local mode), with
# the pid file there too; start the app as the script then says. APP_DIR must exist unless CREATE_APP_DIR=yes: a
# first deploy to /opt asks for it (sudo deploy/deploy.sh --create NEW_JAR, --create being CREATE_APP_DIR=yes),
# so that no run by mistake lays out /opt/NAME. The directory of
# PID_FILE is made when missing.
#
# Settings (environment), defaults as in deploy/NAME.service:
#   APP_DIR       /opt/NAME                where releases/ and current.jar are; . for the local mode
#   CREATE_APP_DIR no                      yes: make APP_DIR if it does not exist
#   PID_FILE      /run/NAME/NAME.pid       written by the serving generation (-Dbaton.pidFile); APP_DIR/NAME.pid
#                                          in the local mode
#   PORT          8080                     the app's port, asked on 127.0.0.1 (BATON_OPS_PATH, if the unit sets it,
#                                          goes in the environment too)
#   JAVA          java                     the java the service runs (its JDK decides the kind of archive)
#   JAVA_OPTS     (none)                   the service's JVM options that matter to an archive (-Xmx, the GC)
#   ARCHIVE       yes                      no: skip step 3
#   WAIT_SECONDS  150                      longer than Baton's readyTimeout (60s) plus its probation (30s) or
#                                          drainTimeout (30s), whichever is longer, plus some slack
# Needs curl or wget (to see whether something else holds the port), and GNU mv (-T).
set -eu

APP_DIR=${APP_DIR:-/opt/$NAME}
CREATE_APP_DIR=${CREATE_APP_DIR:-no}
local_mode=no
if [ "$APP_DIR" = . ]; then
  local_mode=yes
  APP_DIR=$(pwd)
  PID_FILE=${PID_FILE:-$APP_DIR/$NAME.pid}
fi
PID_FILE=${PID_FILE:-/run/$NAME/$NAME.pid}
PORT=${PORT:-8080}
WAIT_SECONDS=${WAIT_SECONDS:-150}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
ARCHIVE=${ARCHIVE:-yes}

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

# Back to the release that runs, so that a restart starts what served; the failed release stays for a look.
roll_back() {
  if [ -n "$previous" ]; then
    switch_to "$previous"
    say "current.jar points at $previous again; $release stays in releases/"
  else
    say "current.jar was no symlink before: it still points at $release"
  fi
}

if [ "${1:-}" = --create ]; then
  CREATE_APP_DIR=yes
  shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--create] NEW_JAR" >&2; exit 2; }
jar=$1
if [ ! -f "$jar" ] || [ ! -r "$jar" ]; then
  fail "no readable file at $jar"
fi
if ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
  fail "needs curl or wget, to see whether something answers on port $PORT"
fi

if [ ! -d "$APP_DIR" ]; then
  if [ "$CREATE_APP_DIR" != yes ]; then
    fail "$APP_DIR does not exist: run with CREATE_APP_DIR=yes to make it (sudo for /opt), or APP_DIR=. to deploy into this directory"
  fi
  mkdir -p "$APP_DIR" || fail "cannot make $APP_DIR (sudo?)"
fi
pid_dir=$(dirname "$PID_FILE")
# Baton refuses to start with a pid file it cannot write; under systemd, RuntimeDirectory= makes it at each start.
mkdir -p "$pid_dir" 2>/dev/null || fail "cannot make $pid_dir, the directory of PID_FILE (sudo?, or set PID_FILE)"

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

switch_to "$release"
# The training run starts the jar by the deploy path, as the service does: the archive records that path.
if [ "$ARCHIVE" = yes ]; then
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  training=$(cd "$APP_DIR" && $JAVA $JAVA_OPTS -cp "$APP_DIR/current.jar" dev.baton.runtime.ClassArchive \
    "$APP_DIR/current.jar" 2>&1 </dev/null) && trained=yes || trained=no
  if [ "$trained" = yes ]; then
    say "$(echo "$training" | grep -m 1 '^class archive:')"
  elif line=$(echo "$training" | grep -m 1 'self-check'); then
    roll_back
    fail "the training run of $release failed its self-check: $(echo "$line" | sed -E 's/.*(gen=[0-9]+ pid=[0-9]+ )/\1/')"
  else
    say "no class-data archive (the upgrade goes on without one): $(echo "$training" | tail -n 1)"
  fi
fi

if [ -z "$old_pid" ]; then
  if [ "$local_mode" = yes ]; then
    say "$NAME is not running; current.jar -> $release: start it (java -Dbaton.pidFile=$PID_FILE -jar $APP_DIR/current.jar)"
  else
    say "$NAME is not running; current.jar -> $release: start it (systemctl start $NAME)"
  fi
  exit 0
fi

# The command of the release that runs, which knows how it reports; the new one may be the broken one.
cli_jar=$APP_DIR/current.jar
case $previous in
  /*) [ -f "$previous" ] && cli_jar=$previous ;;
  ?*) [ -f "$APP_DIR/$previous" ] && cli_jar=$APP_DIR/$previous ;;
esac
say "pid $old_pid starts $release"
# shellcheck disable=SC2086 # JAVA may hold options
if BATON_PORT=$PORT $JAVA -XX:TieredStopAtLevel=1 -cp "$cli_jar" dev.baton.ops.Cli upgrade --pid-file "$PID_FILE" \
    --timeout "${WAIT_SECONDS}s" </dev/null; then
  say "$release serves"
  exit 0
fi
# The command said why. Whatever runs now keeps running; current.jar goes back only if that is not the new release.
if serving=$(live_pid) && [ "$serving" != "$old_pid" ]; then
  fail "pid $serving serves $release, but the upgrade did not end as it should (see above)"
fi
roll_back
fail "$release does not serve; pid $old_pid keeps serving"
#]]#
