#!/bin/sh
# Compose's demo-settings service (demo profile only): writes the demo's settings, which compose gives this
# container as its environment, to the demo-settings volume, where the apps' entrypoint reads them when NODE_ENV is
# unset (docker/app-entrypoint.sh). Variables of the image and the shell are left out. Prints no value.
set -eu

OUT=/run/ms1-demo/settings.env

env | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' \
  | grep -v -E '^(PATH|HOME|HOSTNAME|PWD|OLDPWD|SHLVL|TERM|NODE_VERSION|YARN_VERSION|NODE_EXTRA_CA_CERTS)=' \
  | sort >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "write-demo-settings: $(wc -l <"$OUT") settings written to $OUT"
