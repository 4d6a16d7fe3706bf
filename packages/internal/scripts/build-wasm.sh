#!/usr/bin/env bash
# The one wasm build of fpdb: compiles a freestanding C file to SIMD128 WebAssembly that runs on a memory
# JavaScript owns, checks the module, and writes it as base64 TypeScript (committed, so CI and users never
# compile). Needs clang (>= 14; 16 preferred, it vectorises more; >= 16 for relaxed SIMD) and wasm-ld.
#
# Usage: build-wasm.sh --source FILE.c --out FILE.ts [shared options] (--const NAME --doc TEXT [--cflags FLAGS])...
#   --source FILE.c     the C source
#   --out FILE.ts       the generated TypeScript: one exported base64 string per --const, in order
#   --const NAME        starts a build of the source, exported as NAME (most capable build first)
#   --doc TEXT          that constant's TSDoc line
#   --cflags FLAGS      after --const: extra clang flags of that build (e.g. "-mrelaxed-simd -DRELAXED_SIMD");
#                       before any --const: extra flags of every build (e.g. "-Wextra -Wl,--strip-all")
#   --forbid-relaxed    fail if a build uses relaxed SIMD or fused multiply-add (kernels with a bit-exact JS twin)
#   --sizes STYLE       the header's size note: "bytes" (default: "(3900 bytes)", "(31381 + 31758 bytes)")
#                       or "wasm-and-base64" ("(3900 bytes of wasm, 5200 of base64)")
#   --dry-run           print the clang commands and the generated file's name; compile nothing
# Every build gets the same base flags (below). The module imports its memory and must carry no data
# segment and never touch a linear-memory stack pointer: JS lays the memory out (or shares the tfjs
# backend's), so either would write into memory the module does not own. Both are checked.
set -euo pipefail
base=(--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -Wall -Werror
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--import-memory -Wl,-z,stack-size=0)

source="" out="" sizes="bytes" forbid_relaxed=0 dry_run=0
shared=()
names=() docs=() cflags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --const) names+=("$2"); docs+=(""); cflags+=(""); shift 2 ;;
    --doc) [ ${#names[@]} -gt 0 ] || { echo "--doc comes after --const" >&2; exit 2; }; docs[${#names[@]}-1]="$2"; shift 2 ;;
    --cflags) if [ ${#names[@]} -gt 0 ]; then cflags[${#names[@]}-1]="$2"; else read -r -a shared <<< "$2"; fi; shift 2 ;;
    --forbid-relaxed) forbid_relaxed=1; shift ;;
    --sizes) sizes="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    *) echo "build-wasm.sh: unknown argument $1 (see the usage at the top of the script)" >&2; exit 2 ;;
  esac
done
[ -n "$source" ] && [ -n "$out" ] && [ ${#names[@]} -gt 0 ] || { echo "build-wasm.sh: --source, --out and at least one --const are required" >&2; exit 2; }

cc="${CLANG:-$(command -v clang-16 || command -v clang || command -v clang-14 || echo clang)}"
objdump="${OBJDUMP:-$(command -v llvm-objdump-16 || command -v llvm-objdump || command -v llvm-objdump-14 || echo /usr/lib/llvm-14/bin/llvm-objdump)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
emit=("$(dirname "$0")/emit-wasm-ts.mjs" --out "$out" --source-name "$(basename "$source")" --sizes "$sizes")
for i in "${!names[@]}"; do
  read -r -a extra <<< "${cflags[$i]}"
  wasm="$tmp/$i.wasm"
  cmd=("$cc" "${base[@]}" "${shared[@]}" "${extra[@]}" -o "$wasm" "$source")
  if [ $dry_run -eq 1 ]; then echo "${cmd[*]}"; continue; fi
  "${cmd[@]}"
  if "$objdump" -h "$wasm" | grep -qE '\bDATA\b'; then echo "$source (${names[$i]}): data segment found" >&2; exit 1; fi
  if "$objdump" -d "$wasm" | grep -qE 'global\.(get|set)'; then echo "$source (${names[$i]}): stack pointer used" >&2; exit 1; fi
  if [ $forbid_relaxed -eq 1 ] && "$objdump" -d "$wasm" | grep -qE 'relaxed|fma'; then echo "$source (${names[$i]}): relaxed SIMD used" >&2; exit 1; fi
  emit+=("${names[$i]}" "${docs[$i]}" "$wasm")
done
if [ $dry_run -eq 1 ]; then echo "would write $out"; exit 0; fi
node "${emit[@]}"
echo "wrote $out"
