# Sourced by scripts/test-windows.sh and scripts/test-windows-node.sh: finds the tools both need
# to build for x86_64-pc-windows-gnu and run the result under wine. Sets `target` and `wine`;
# calls the sourcing script's `skip MESSAGE` (which prints a loud SKIPPED line and exits 0) when
# a tool is missing.
target=x86_64-pc-windows-gnu
command -v x86_64-w64-mingw32-gcc >/dev/null || skip "no x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64)"
wine=""
for w in wine64 /usr/lib/wine/wine64 wine; do
  if command -v "$w" >/dev/null; then wine="$(command -v "$w")"; break; fi
done
[ -n "$wine" ] || skip "no wine64 (apt-get install wine64)"
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target" || skip "rustup could not install $target"
fi
