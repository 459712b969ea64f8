#!/usr/bin/env bash
# Installs the Debian packages the tests drive, when missing (run by `npm run setup`):
#   python3   runs the independent course peer of the mixed-swarm test (test/interop/pypeer.py)
#   mktorrent is the reference .torrent creator our info-hashes are checked against
#   chromium  is the headless browser of the dashboard tests (never a downloaded browser)
#   aria2 and python3-libtorrent are the real BitTorrent clients we must agree with (their
#             bindings are built for Debian's /usr/bin/python3, which the tests call by path)
#   openssh-server gives each host of `swarmlab testbed` its sshd (/usr/sbin/sshd, run inside
#             the host's network namespace; the testbed tests bring one up)
#   tmux      is the terminal `swarmlab top` is tested in
# Root installs directly; anyone else through sudo. Nothing is installed twice.
set -euo pipefail

missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v mktorrent >/dev/null 2>&1 || missing+=(mktorrent)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v aria2c >/dev/null 2>&1 || missing+=(aria2)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1; } || missing+=(python3-libtorrent)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)

if ((${#missing[@]} == 0)); then
  echo "setup: the Debian packages the tests need are present"
  exit 0
fi

echo "setup: installing ${missing[*]} from Debian"
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup: not root and no sudo; as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${missing[@]}"
