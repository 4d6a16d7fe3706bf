#!/usr/bin/env bash
# Rebuilds training-kernels-wasm.ts from training-kernels.c with fpdb's one wasm build
# (packages/internal/scripts/build-wasm.sh), which only the developer who changes the C source needs: the
# generated .ts is committed, so CI and users never compile. Needs clang >= 16 (relaxed SIMD) and wasm-ld.
# Usage: bash src/backend/wasm/build-wasm.sh [--dry-run]   (from packages/models)
# Two builds: SIMD128, and relaxed SIMD (fused multiply-add), which compileTrainingKernels prefers when the engine has it.
# The module shares the tfjs backend's memory: the build checks it has no data segment and no stack.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/../../../../internal/scripts/build-wasm.sh" --source "$here/training-kernels.c" --out "$here/training-kernels-wasm.ts" \
  --const TRAINING_KERNELS_WASM_BASE64 --doc "The SIMD128 WebAssembly training kernels, base64-encoded." \
  --const TRAINING_KERNELS_RELAXED_WASM_BASE64 --doc "The same kernels built with relaxed SIMD (fused multiply-add), base64-encoded." \
  --cflags "-mrelaxed-simd -DRELAXED_SIMD" "$@"
