#!/usr/bin/env bash
# Rebuilds pixel-kernels-wasm.ts from pixel-kernels.c with fpdb's one wasm build
# (packages/internal/scripts/build-wasm.sh: clang >= 14 and wasm-ld), which only the developer who changes
# the C source needs: the generated .ts is committed, so CI and users never compile. clang 16 comes first
# (clang 14 scalarises more of the vector code). Usage: bash src/pixels/wasm/build-wasm.sh [--dry-run]   (from packages/loader)
# The module works on memory pixel-kernels.ts lays out: the build checks it has no data segment and no stack.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/../../../../internal/scripts/build-wasm.sh" --source "$here/pixel-kernels.c" --out "$here/pixel-kernels-wasm.ts" \
  --const PIXEL_KERNELS_WASM_BASE64 --doc "The SIMD128 WebAssembly pixel kernels (PNG unfilter, triangle resize), base64-encoded." "$@"
