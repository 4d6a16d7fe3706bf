#!/usr/bin/env bash
# Rebuilds kernels-wasm.ts from kernels.c and pixel-kernels-wasm.ts from pixel-kernels.c with fpdb's one wasm
# build (packages/internal/scripts/build-wasm.sh: clang >= 14, 16 preferred, and wasm-ld), which only the
# developer who changes the C source needs: the generated .ts is committed, so CI and users never compile.
# Usage: bash src/internal/wasm/build-wasm.sh [--dry-run]   (from packages/augment)
# Plain SIMD128 only, checked: no -ffast-math, no relaxed SIMD (no fused multiply-add), so that the JS fallback
# (noise.ts, resize-crop.ts, intensity.ts, blend.ts) reproduces every output bit. Stripped (no name section).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build=("$here/../../../../internal/scripts/build-wasm.sh" --cflags "-Wextra -Wl,--strip-all" --forbid-relaxed --sizes wasm-and-base64)
bash "${build[@]}" --source "$here/kernels.c" --out "$here/kernels-wasm.ts" \
  --const AUGMENT_KERNELS_WASM_BASE64 --doc "The SIMD128 WebAssembly kernels of kernels.c, base64-encoded." "$@"
bash "${build[@]}" --source "$here/pixel-kernels.c" --out "$here/pixel-kernels-wasm.ts" \
  --const AUGMENT_PIXEL_KERNELS_WASM_BASE64 --doc "The SIMD128 WebAssembly kernels of pixel-kernels.c, base64-encoded." "$@"
