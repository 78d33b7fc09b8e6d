#!/bin/sh
# Deploys a new jar of ${artifactId} to several hosts, one at a time:  deploy/rolling.sh HOST... -- NEW_JAR
NAME='${artifactId}'
#* Velocity fills in artifactId above, and copies the rest (an unparsed block) as it is. *#
#[[#
#
# For each host in turn: copies NEW_JAR and deploy/deploy.sh there (scp, into REMOTE_DIR) and runs that deploy.sh
# over ssh, which upgrades the host's running service with zero downtime and waits until the new release has
# passed its probation there. It stops at the first host that fails, saying which and Baton's reason (deploy.sh's
# last lines); the hosts after it stay on the old release, the failed host keeps serving its old one, and those
# before it serve the new one: fix the release, then run this again (a host already on the new release is upgraded
# once more, harmlessly).
#
# One host at a time is what keeps a balanced fleet at full strength: an in-place upgrade refuses no connection,
# but a new release may still be bad, and a bad release should stop at the first host.
#
# Settings (environment):
#   SSH           ssh                      the ssh command (options such as -i KEY go in SSH_OPTS)
#   SCP           scp
#   SSH_OPTS      (none)                   options for both, e.g. "-o BatchMode=yes -i ~/.ssh/deploy"
#   REMOTE_DIR    NAME-deploy              where the jar and deploy.sh go on each host (relative: the remote home)
#   REMOTE_SUDO   sudo                     how deploy.sh is run there ("" when the ssh user may deploy itself)
#   REMOTE_ENV    (none)                   settings for the remote deploy.sh, e.g. "APP_DIR=/srv/NAME WAIT_SECONDS=200"
#                                          (CREATE_APP_DIR=yes for hosts that have never had a release)
set -eu

SSH=${SSH:-ssh}
SCP=${SCP:-scp}
SSH_OPTS=${SSH_OPTS:-}
REMOTE_DIR=${REMOTE_DIR:-$NAME-deploy}
REMOTE_SUDO=${REMOTE_SUDO-sudo}
REMOTE_ENV=${REMOTE_ENV:-}

usage() { echo "usage: $0 HOST... -- NEW_JAR" >&2; exit 2; }

hosts=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  case $1 in -*) usage ;; esac
  hosts="$hosts $1"
  shift
done
if [ $# -ne 2 ] || [ -z "$hosts" ]; then
  usage
fi
jar=$2
if [ ! -f "$jar" ] || [ ! -r "$jar" ]; then
  echo "rolling: no readable file at $jar" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)

count=0
for host in $hosts; do
  count=$((count + 1))
  echo "rolling: $host ($count of $(echo "$hosts" | wc -w)): copying $(basename "$jar")"
  # shellcheck disable=SC2086 # SSH_OPTS holds several options
  if ! $SSH $SSH_OPTS "$host" "mkdir -p '$REMOTE_DIR'" ||
     ! $SCP $SSH_OPTS "$jar" "$host:$REMOTE_DIR/$NAME.jar" ||
     ! $SCP $SSH_OPTS "$here/deploy.sh" "$host:$REMOTE_DIR/deploy.sh"; then
    echo "rolling: stopped at $host: cannot copy the release there; it and the hosts after it keep the old release" >&2
    exit 1
  fi
  # shellcheck disable=SC2086 # REMOTE_ENV holds several settings
  if output=$($SSH $SSH_OPTS "$host" "$REMOTE_SUDO env $REMOTE_ENV sh '$REMOTE_DIR/deploy.sh' '$REMOTE_DIR/$NAME.jar'" 2>&1); then
    echo "$output" | sed "s/^/rolling: $host: /"
  else
    echo "$output" | sed "s/^/rolling: $host: /"
    # Baton's reason when there is one (upgrade failed, refused, died on probation), else deploy.sh's last word
    reason=$(echo "$output" | grep -E '^(deploy|baton):.*(failed|refused|died|cannot|no )' | head -n 1)
    [ -n "$reason" ] || reason=$(echo "$output" | grep -E '^(deploy|baton):' | tail -n 1)
    echo "rolling: stopped at $host (${reason:-see its log}); the hosts after it keep the old release" >&2
    exit 1
  fi
done
echo "rolling: all $count hosts serve $(basename "$jar")"
#]]#
