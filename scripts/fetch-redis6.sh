#!/usr/bin/env bash
# Redis 6.0 for the audit tests (`redoubt audit` must work against Redis 6, 7 and
# Valkey): Debian bullseye's redis 6.0.16 and the bullseye libraries it links
# (libssl1.1, Lua 5.1), downloaded from Debian's registry with a private apt state
# (the system's sources and package database are not touched), extracted under
# DEST, and started through a wrapper on PATH: redis6-server.
#   scripts/fetch-redis6.sh [DEST] [BINDIR]   (defaults: /opt/redoubt-ci/redis6, /usr/local/bin)
set -euo pipefail
dest=${1:-/opt/redoubt-ci/redis6}
bindir=${2:-/usr/local/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$dest"
touch "$work/status"
echo "deb http://deb.debian.org/debian bullseye main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::State::status=$work/status"
  -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update -qq
(cd "$work" && apt-get "${apt_opts[@]}" download -qq redis-tools libssl1.1 liblzf1 libjemalloc2 \
  liblua5.1-0 lua-cjson lua-bitop)
for deb in "$work"/*.deb; do dpkg -x "$deb" "$dest"; done
# Debian's redis-server is redis-check-rdb under another name (the binary picks its role from argv[0]).
ln -sf redis-check-rdb "$dest/usr/bin/redis-server"
cat >"$bindir/redis6-server" <<WRAP
#!/bin/sh
LD_LIBRARY_PATH="$dest/usr/lib/x86_64-linux-gnu:$dest/lib/x86_64-linux-gnu" exec "$dest/usr/bin/redis-server" "\$@"
WRAP
chmod 0755 "$bindir/redis6-server"
"$bindir/redis6-server" --version
