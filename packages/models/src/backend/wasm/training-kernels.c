/*
 * SIMD WebAssembly kernels for training on the tfjs wasm backend.
 *
 * The module imports the tfjs wasm backend's own linear memory ("env"."memory"), so every pointer below
 * is a byte offset of a tensor that the backend already holds: no copies in or out. It must use no
 * linear-memory stack and no static data (both would land in memory that the backend owns): every
 * local is a scalar or a v128 kept in wasm locals, and build-wasm.sh checks the output has no data
 * segment. Layouts are NHWC (channels last), filters [kh, kw, inChannels, outChannels].
 *
 * Build: src/backend/wasm/build-wasm.sh (clang >= 14 with wasm-ld); the built bytes are committed
 * as training-kernels-wasm.ts so that neither CI nor users need a compiler.
 */
#include <wasm_simd128.h>

typedef float f32;
#define EXPORT __attribute__((visibility("default")))

/* acc + a*b. Built twice: plain SIMD128 (mul then add) and with relaxed SIMD (-DRELAXED_SIMD), where
 * V8 emits one fused multiply-add on CPUs that have FMA. The loader picks the relaxed build when the
 * engine validates it (Node >= 22, or Node 20 with --experimental-wasm-relaxed-simd). */
#ifdef RELAXED_SIMD
#define MADD(acc, a, b) __builtin_wasm_relaxed_madd_f32x4((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

static void zero_f32(f32 *p, int n) {
  v128_t z = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(p + i, z);
  for (; i < n; ++i) p[i] = 0.0f;
}

/* Smallest o >= 0 with o*s + off >= 0, and one past the largest o < limit with o*s + off < size. */
static int first_valid(int off, int s) {
  if (off >= 0) return 0;
  return (-off + s - 1) / s;
}
static int end_valid(int off, int s, int size, int limit) {
  int last = size - 1 - off; /* o*s <= last */
  if (last < 0) return 0;
  int e = last / s + 1;
  return e < limit ? e : limit;
}

/*
 * MaxPoolGrad, tfjs cpu semantics: each window's gradient goes to the FIRST maximum in row-major
 * window order (strict >, so ties and NaN behave as in the cpu backend); overlapping windows add up.
 */
/* Windows that tile the input exactly (2x2 stride 2 on even sizes...): each dx element is written once. */
static void maxpool_grad_tiled(const f32 *x, const f32 *dy, f32 *dx, int B, int H, int W, int C, int Ho,
                               int Wo, int fh, int fw) {
  for (int b = 0; b < B; ++b)
    for (int oy = 0; oy < Ho; ++oy)
      for (int ox = 0; ox < Wo; ++ox) {
        const f32 *g = dy + ((b * Ho + oy) * Wo + ox) * C;
        int base = ((b * H + oy * fh) * W + ox * fw) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t idx = wasm_i32x4_splat(-1);
          for (int ky = 0; ky < fh; ++ky)
            for (int kx = 0; kx < fw; ++kx) {
              int off = base + (ky * W + kx) * C + c;
              v128_t v = wasm_v128_load(x + off);
              v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              idx = wasm_v128_bitselect(wasm_i32x4_splat(off), idx, gt);
            }
          v128_t gv = wasm_v128_load(g + c);
          for (int ky = 0; ky < fh; ++ky)
            for (int kx = 0; kx < fw; ++kx) {
              int off = base + (ky * W + kx) * C + c;
              wasm_v128_store(dx + off, wasm_v128_and(gv, wasm_i32x4_eq(idx, wasm_i32x4_splat(off))));
            }
        }
        for (; c < C; ++c) {
          f32 best = -__builtin_inff();
          int at = -1;
          for (int ky = 0; ky < fh; ++ky)
            for (int kx = 0; kx < fw; ++kx) {
              int off = base + (ky * W + kx) * C + c;
              if (x[off] > best) {
                best = x[off];
                at = off;
              }
              dx[off] = 0.0f;
            }
          if (at >= 0) dx[at] = g[c];
        }
      }
}

EXPORT void maxpool_grad(const f32 *x, const f32 *dy, f32 *dx, int B, int H, int W, int C, int Ho,
                         int Wo, int sh, int sw, int fh, int fw, int dh, int dwl, int pt, int pl) {
  if (sh == fh && sw == fw && dh == 1 && dwl == 1 && pt == 0 && pl == 0 && Ho * sh == H && Wo * sw == W) {
    maxpool_grad_tiled(x, dy, dx, B, H, W, C, Ho, Wo, fh, fw);
    return;
  }
  zero_f32(dx, B * H * W * C);
  for (int b = 0; b < B; ++b) {
    for (int oy = 0; oy < Ho; ++oy) {
      int y0 = oy * sh - pt;
      int ky0 = first_valid(y0, dh);
      int ky1 = end_valid(y0, dh, H, fh);
      for (int ox = 0; ox < Wo; ++ox) {
        int x0 = ox * sw - pl;
        int kx0 = first_valid(x0, dwl);
        int kx1 = end_valid(x0, dwl, W, fw);
        const f32 *g = dy + ((b * Ho + oy) * Wo + ox) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t idx = wasm_i32x4_splat(-1);
          for (int ky = ky0; ky < ky1; ++ky) {
            int iy = y0 + ky * dh;
            for (int kx = kx0; kx < kx1; ++kx) {
              int off = ((b * H + iy) * W + x0 + kx * dwl) * C + c;
              v128_t v = wasm_v128_load(x + off);
              v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              idx = wasm_v128_bitselect(wasm_i32x4_splat(off), idx, gt);
            }
          }
          v128_t gv = wasm_v128_load(g + c);
          for (int ky = ky0; ky < ky1; ++ky) {
            int iy = y0 + ky * dh;
            for (int kx = kx0; kx < kx1; ++kx) {
              int off = ((b * H + iy) * W + x0 + kx * dwl) * C + c;
              v128_t m = wasm_i32x4_eq(idx, wasm_i32x4_splat(off));
              v128_t d = wasm_v128_load(dx + off);
              wasm_v128_store(dx + off, wasm_f32x4_add(d, wasm_v128_and(gv, m)));
            }
          }
        }
        for (; c < C; ++c) {
          f32 best = -__builtin_inff();
          int at = -1;
          for (int ky = ky0; ky < ky1; ++ky) {
            int iy = y0 + ky * dh;
            for (int kx = kx0; kx < kx1; ++kx) {
              int off = ((b * H + iy) * W + x0 + kx * dwl) * C + c;
              if (x[off] > best) {
                best = x[off];
                at = off;
              }
            }
          }
          if (at >= 0) dx[at] += g[c];
        }
      }
    }
  }
}

/* out[r, 0..8) += sum_i x[i*xs + r] * d[i*ds + 0..8) for r in 0..4: a 4x8 tile of the filter gradient. */
static void tile_4x8(const f32 *xp, int xs, const f32 *dp, int ds, int n, f32 *out, int ldo) {
  f32 *o0 = out, *o1 = out + ldo, *o2 = out + 2 * ldo, *o3 = out + 3 * ldo;
  v128_t a00 = wasm_v128_load(o0), a01 = wasm_v128_load(o0 + 4);
  v128_t a10 = wasm_v128_load(o1), a11 = wasm_v128_load(o1 + 4);
  v128_t a20 = wasm_v128_load(o2), a21 = wasm_v128_load(o2 + 4);
  v128_t a30 = wasm_v128_load(o3), a31 = wasm_v128_load(o3 + 4);
  for (int i = 0; i < n; ++i) {
    v128_t d0 = wasm_v128_load(dp), d1 = wasm_v128_load(dp + 4);
    v128_t xv = wasm_v128_load32_splat(xp);
    a00 = MADD(a00, xv, d0);
    a01 = MADD(a01, xv, d1);
    xv = wasm_v128_load32_splat(xp + 1);
    a10 = MADD(a10, xv, d0);
    a11 = MADD(a11, xv, d1);
    xv = wasm_v128_load32_splat(xp + 2);
    a20 = MADD(a20, xv, d0);
    a21 = MADD(a21, xv, d1);
    xv = wasm_v128_load32_splat(xp + 3);
    a30 = MADD(a30, xv, d0);
    a31 = MADD(a31, xv, d1);
    xp += xs;
    dp += ds;
  }
  wasm_v128_store(o0, a00); wasm_v128_store(o0 + 4, a01);
  wasm_v128_store(o1, a10); wasm_v128_store(o1 + 4, a11);
  wasm_v128_store(o2, a20); wasm_v128_store(o2 + 4, a21);
  wasm_v128_store(o3, a30); wasm_v128_store(o3 + 4, a31);
}

/* A 1x16 tile (one input channel, 16 output channels): the shape of a first layer on gray images. */
static void tile_1x16(const f32 *xp, int xs, const f32 *dp, int ds, int n, f32 *out) {
  v128_t a0 = wasm_v128_load(out), a1 = wasm_v128_load(out + 4);
  v128_t a2 = wasm_v128_load(out + 8), a3 = wasm_v128_load(out + 12);
  for (int i = 0; i < n; ++i) {
    v128_t xv = wasm_v128_load32_splat(xp);
    a0 = MADD(a0, xv, wasm_v128_load(dp));
    a1 = MADD(a1, xv, wasm_v128_load(dp + 4));
    a2 = MADD(a2, xv, wasm_v128_load(dp + 8));
    a3 = MADD(a3, xv, wasm_v128_load(dp + 12));
    xp += xs;
    dp += ds;
  }
  wasm_v128_store(out, a0); wasm_v128_store(out + 4, a1);
  wasm_v128_store(out + 8, a2); wasm_v128_store(out + 12, a3);
}

static void tile_1x4(const f32 *xp, int xs, const f32 *dp, int ds, int n, f32 *out) {
  v128_t a = wasm_v128_load(out);
  for (int i = 0; i < n; ++i) {
    a = MADD(a, wasm_v128_load32_splat(xp), wasm_v128_load(dp));
    xp += xs;
    dp += ds;
  }
  wasm_v128_store(out, a);
}

static void tile_1x1(const f32 *xp, int xs, const f32 *dp, int ds, int n, f32 *out) {
  f32 a = *out;
  for (int i = 0; i < n; ++i) {
    a += *xp * *dp;
    xp += xs;
    dp += ds;
  }
  *out = a;
}

/*
 * Conv2DBackpropFilter: dw[ky,kx,ci,co] = sum over b,oy,ox of x[b, oy*sh+ky*dh-pt, ox*sw+kx*dwl-pl, ci]
 * * dy[b,oy,ox,co]. One output row at a time keeps its dy row and the kh input rows in cache; inside,
 * register tiles of 4 input x 8 output channels stream along the row.
 */
EXPORT void conv2d_backprop_filter(const f32 *x, const f32 *dy, f32 *dw, int B, int H, int W, int Ci,
                                   int Ho, int Wo, int Co, int kh, int kw, int sh, int sw, int dh,
                                   int dwl, int pt, int pl) {
  zero_f32(dw, kh * kw * Ci * Co);
  for (int b = 0; b < B; ++b) {
    for (int oy = 0; oy < Ho; ++oy) {
      const f32 *dyrow = dy + (b * Ho + oy) * Wo * Co;
      for (int ky = 0; ky < kh; ++ky) {
        int iy = oy * sh + ky * dh - pt;
        if (iy < 0 || iy >= H) continue;
        const f32 *xrow = x + (b * H + iy) * W * Ci;
        for (int kx = 0; kx < kw; ++kx) {
          int off = kx * dwl - pl;
          int lo = first_valid(off, sw);
          int hi = end_valid(off, sw, W, Wo);
          int n = hi - lo;
          if (n <= 0) continue;
          const f32 *xp = xrow + (lo * sw + off) * Ci;
          const f32 *dp = dyrow + lo * Co;
          int xs = sw * Ci;
          f32 *tap = dw + (ky * kw + kx) * Ci * Co;
          int ci = 0;
          for (; ci + 4 <= Ci; ci += 4) {
            int co = 0;
            for (; co + 8 <= Co; co += 8) tile_4x8(xp + ci, xs, dp + co, Co, n, tap + ci * Co + co, Co);
            for (int r = 0; r < 4; ++r) {
              int c2 = co;
              for (; c2 + 4 <= Co; c2 += 4) tile_1x4(xp + ci + r, xs, dp + c2, Co, n, tap + (ci + r) * Co + c2);
              for (; c2 < Co; ++c2) tile_1x1(xp + ci + r, xs, dp + c2, Co, n, tap + (ci + r) * Co + c2);
            }
          }
          for (; ci < Ci; ++ci) {
            int co = 0;
            for (; co + 16 <= Co; co += 16) tile_1x16(xp + ci, xs, dp + co, Co, n, tap + ci * Co + co);
            for (; co + 4 <= Co; co += 4) tile_1x4(xp + ci, xs, dp + co, Co, n, tap + ci * Co + co);
            for (; co < Co; ++co) tile_1x1(xp + ci, xs, dp + co, Co, n, tap + ci * Co + co);
          }
        }
      }
    }
  }
}

/*
 * Packed filters. conv_core reads a filter of K = kh*kw*Ci rows and N output channels as column panels:
 * every 8 channels (then every 4, the last zero-padded) one contiguous [K][8] (or [K][4]) block, so the
 * panel of the channels a register tile computes streams from memory in order (the [K][N] layout
 * jumps N floats a row: a new page every few rows past 64 channels, and L1 TLB misses cost ResNet's
 * 256/512-channel layers ~30%). Channel n's panel starts at (n & ~3) * K; (k, n) lies at packed_at.
 * A packed filter holds round_up4(N) * K floats.
 */
static int round_up4(int n) { return (n + 3) & ~3; }
static int packed_at(int k, int n, int K, int N) {
  int n8 = N & ~7;
  if (n < n8) return (n & ~7) * K + k * 8 + (n & 7);
  return (n & ~3) * K + k * 4 + (n & 3);
}
/* Zeroes the padding lanes of the last 4-wide panel (N not a multiple of 4). */
static void zero_panel_padding(f32 *out, int K, int N) {
  if ((N & 3) == 0) return;
  f32 *panel = out + (N & ~3) * K;
  for (int k = 0; k < K; ++k)
    for (int j = N & 3; j < 4; ++j) panel[k * 4 + j] = 0.0f;
}

/* Packs a [K][N] filter (a conv filter [kh, kw, Ci, Co] with K = kh*kw*Ci, N = Co) into panels. */
EXPORT void pack_filter(const f32 *w, f32 *out, int K, int N) {
  int n8 = N & ~7;
  for (int n0 = 0; n0 < n8; n0 += 8) {
    f32 *panel = out + n0 * K;
    const f32 *src = w + n0;
    for (int k = 0; k < K; ++k) {
      wasm_v128_store(panel + k * 8, wasm_v128_load(src + k * N));
      wasm_v128_store(panel + k * 8 + 4, wasm_v128_load(src + k * N + 4));
    }
  }
  for (int k = 0; k < K; ++k)
    for (int n = n8; n < N; ++n) out[packed_at(k, n, K, N)] = w[k * N + n];
  zero_panel_padding(out, K, N);
}

/* Packed (see pack_filter) out[ky,kx,co][ci] = w[kh-1-ky, kw-1-kx, ci, co]: the filter that turns a conv
 * into its input gradient (K = kh*kw*Co rows, N = Ci channels). */
EXPORT void rotate_filter_swap_channels(const f32 *w, f32 *out, int kh, int kw, int Ci, int Co) {
  int K = kh * kw * Co;
  for (int ky = 0; ky < kh; ++ky)
    for (int kx = 0; kx < kw; ++kx) {
      const f32 *src = w + ((kh - 1 - ky) * kw + (kw - 1 - kx)) * Ci * Co;
      int k0 = (ky * kw + kx) * Co;
      for (int ci = 0; ci < Ci; ++ci)
        for (int co = 0; co < Co; ++co) out[packed_at(k0 + co, ci, K, Ci)] = src[ci * Co + co];
    }
  zero_panel_padding(out, K, Ci);
}

/* Taps of phase r (kernel positions k = r, r + s, ...) of a kernel of size k along a stride s. */
static int phase_taps(int r, int k, int s) { return r < k ? (k - r + s - 1) / s : 0; }

/*
 * Depthwise 3x3 (any size), multiplier 1, dilation 1: the gradients accumulate in registers. The filter
 * gradient runs one (image, output row, kernel row, kernel column) at a time, 16 channels along the whole
 * row in four accumulators, then adds them to the tap once (the generic loop below read-modify-wrote the
 * tap per pixel). The input gradient gathers, per input pixel and 16 channels, the taps that reach it.
 */
static void depthwise_filter_m1(const f32 *x, const f32 *dy, f32 *dw, int B, int H, int W, int C, int Ho, int Wo,
                                int kh, int kw, int sh, int sw, int pt, int pl) {
  zero_f32(dw, kh * kw * C);
  for (int b = 0; b < B; ++b)
    for (int oy = 0; oy < Ho; ++oy) {
      const f32 *dyrow = dy + (b * Ho + oy) * Wo * C;
      for (int ky = 0; ky < kh; ++ky) {
        int iy = oy * sh + ky - pt;
        if (iy < 0 || iy >= H) continue;
        const f32 *xrow = x + (b * H + iy) * W * C;
        for (int kx = 0; kx < kw; ++kx) {
          int off = kx - pl;
          int lo = first_valid(off, sw);
          int hi = end_valid(off, sw, W, Wo);
          if (hi <= lo) continue;
          f32 *tap = dw + (ky * kw + kx) * C;
          const f32 *x0 = xrow + (lo * sw + off) * C;
          const f32 *d0 = dyrow + lo * C;
          int xs = sw * C;
          int c = 0;
          for (; c + 16 <= C; c += 16) {
            v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
            const f32 *xp = x0 + c, *dp = d0 + c;
            for (int ox = lo; ox < hi; ++ox, xp += xs, dp += C) {
              a0 = MADD(a0, wasm_v128_load(xp), wasm_v128_load(dp));
              a1 = MADD(a1, wasm_v128_load(xp + 4), wasm_v128_load(dp + 4));
              a2 = MADD(a2, wasm_v128_load(xp + 8), wasm_v128_load(dp + 8));
              a3 = MADD(a3, wasm_v128_load(xp + 12), wasm_v128_load(dp + 12));
            }
            wasm_v128_store(tap + c, wasm_f32x4_add(wasm_v128_load(tap + c), a0));
            wasm_v128_store(tap + c + 4, wasm_f32x4_add(wasm_v128_load(tap + c + 4), a1));
            wasm_v128_store(tap + c + 8, wasm_f32x4_add(wasm_v128_load(tap + c + 8), a2));
            wasm_v128_store(tap + c + 12, wasm_f32x4_add(wasm_v128_load(tap + c + 12), a3));
          }
          for (; c + 4 <= C; c += 4) {
            v128_t a0 = wasm_f32x4_splat(0.0f);
            const f32 *xp = x0 + c, *dp = d0 + c;
            for (int ox = lo; ox < hi; ++ox, xp += xs, dp += C) a0 = MADD(a0, wasm_v128_load(xp), wasm_v128_load(dp));
            wasm_v128_store(tap + c, wasm_f32x4_add(wasm_v128_load(tap + c), a0));
          }
          for (; c < C; ++c) {
            f32 a = 0.0f;
            const f32 *xp = x0 + c, *dp = d0 + c;
            for (int ox = lo; ox < hi; ++ox, xp += xs, dp += C) a += *xp * *dp;
            tap[c] += a;
          }
        }
      }
    }
}

/* The taps of input pixel (iy, ix): ky = kys + sh*j for j in [jy0, jy1) (dy row oyt - j), likewise kx. The
 * ranges come per row and pixel, so the tap loop of each channel block has no division. */
#define DW_TAPS(...)                                                                  \
  for (int jy = jy0; jy < jy1; ++jy) {                                                \
    const f32 *grow_ = dy + ((b * Ho + oyt - jy) * Wo + oxt) * C + c;                 \
    const f32 *trow_ = w + ((kys + sh * jy) * kw + kxs) * C + c;                      \
    for (int jx = jx0; jx < jx1; ++jx) {                                              \
      const f32 *g = grow_ - jx * C;                                                  \
      const f32 *t = trow_ + sw * jx * C;                                             \
      __VA_ARGS__                                                                     \
    }                                                                                 \
  }

static void depthwise_input_m1(const f32 *dy, const f32 *w, f32 *dx, int B, int H, int W, int C, int Ho, int Wo,
                               int kh, int kw, int sh, int sw, int pt, int pl) {
  for (int b = 0; b < B; ++b)
    for (int iy = 0; iy < H; ++iy) {
      int kys = (iy + pt) % sh, oyt = (iy + pt) / sh;
      int jy0 = oyt - Ho + 1 > 0 ? oyt - Ho + 1 : 0;
      int jy1 = phase_taps(kys, kh, sh) < oyt + 1 ? phase_taps(kys, kh, sh) : oyt + 1;
      for (int ix = 0; ix < W; ++ix) {
        int kxs = (ix + pl) % sw, oxt = (ix + pl) / sw;
        int jx0 = oxt - Wo + 1 > 0 ? oxt - Wo + 1 : 0;
        int jx1 = phase_taps(kxs, kw, sw) < oxt + 1 ? phase_taps(kxs, kw, sw) : oxt + 1;
        f32 *xp = dx + ((b * H + iy) * W + ix) * C;
        int c = 0;
        for (; c + 16 <= C; c += 16) {
          v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
          DW_TAPS({
            a0 = MADD(a0, wasm_v128_load(g), wasm_v128_load(t));
            a1 = MADD(a1, wasm_v128_load(g + 4), wasm_v128_load(t + 4));
            a2 = MADD(a2, wasm_v128_load(g + 8), wasm_v128_load(t + 8));
            a3 = MADD(a3, wasm_v128_load(g + 12), wasm_v128_load(t + 12));
          })
          wasm_v128_store(xp + c, a0);
          wasm_v128_store(xp + c + 4, a1);
          wasm_v128_store(xp + c + 8, a2);
          wasm_v128_store(xp + c + 12, a3);
        }
        for (; c + 4 <= C; c += 4) {
          v128_t a0 = wasm_f32x4_splat(0.0f);
          DW_TAPS({ a0 = MADD(a0, wasm_v128_load(g), wasm_v128_load(t)); })
          wasm_v128_store(xp + c, a0);
        }
        for (; c < C; ++c) {
          f32 a = 0.0f;
          DW_TAPS({ a += *g * *t; })
          xp[c] = a;
        }
      }
    }
}

/* DepthwiseConv2dNativeBackpropFilter: dw[ky,kx,c,m] = sum x[b,iy,ix,c] * dy[b,oy,ox,c*M+m]. */
EXPORT void depthwise_backprop_filter(const f32 *x, const f32 *dy, f32 *dw, int B, int H, int W, int C,
                                      int Ho, int Wo, int M, int kh, int kw, int sh, int sw, int dh,
                                      int dwl, int pt, int pl) {
  if (M == 1 && dh == 1 && dwl == 1 && pt >= 0 && pl >= 0) {
    depthwise_filter_m1(x, dy, dw, B, H, W, C, Ho, Wo, kh, kw, sh, sw, pt, pl);
    return;
  }
  int CM = C * M;
  zero_f32(dw, kh * kw * CM);
  for (int b = 0; b < B; ++b)
    for (int oy = 0; oy < Ho; ++oy)
      for (int ky = 0; ky < kh; ++ky) {
        int iy = oy * sh + ky * dh - pt;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < kw; ++kx) {
          int off = kx * dwl - pl;
          int lo = first_valid(off, sw);
          int hi = end_valid(off, sw, W, Wo);
          f32 *tap = dw + (ky * kw + kx) * CM;
          for (int ox = lo; ox < hi; ++ox) {
            const f32 *xp = x + ((b * H + iy) * W + ox * sw + off) * C;
            const f32 *dp = dy + ((b * Ho + oy) * Wo + ox) * CM;
            if (M == 1) {
              int c = 0;
              for (; c + 4 <= C; c += 4)
                wasm_v128_store(tap + c, wasm_f32x4_add(wasm_v128_load(tap + c),
                                                        wasm_f32x4_mul(wasm_v128_load(xp + c), wasm_v128_load(dp + c))));
              for (; c < C; ++c) tap[c] += xp[c] * dp[c];
            } else {
              for (int c = 0; c < C; ++c)
                for (int m = 0; m < M; ++m) tap[c * M + m] += xp[c] * dp[c * M + m];
            }
          }
        }
      }
}

/* DepthwiseConv2dNativeBackpropInput: dx[b,iy,ix,c] = sum dy[b,oy,ox,c*M+m] * w[ky,kx,c,m]. */
EXPORT void depthwise_backprop_input(const f32 *dy, const f32 *w, f32 *dx, int B, int H, int W, int C,
                                     int Ho, int Wo, int M, int kh, int kw, int sh, int sw, int dh,
                                     int dwl, int pt, int pl) {
  if (M == 1 && dh == 1 && dwl == 1 && pt >= 0 && pl >= 0) {
    depthwise_input_m1(dy, w, dx, B, H, W, C, Ho, Wo, kh, kw, sh, sw, pt, pl);
    return;
  }
  int CM = C * M;
  zero_f32(dx, B * H * W * C);
  for (int b = 0; b < B; ++b)
    for (int oy = 0; oy < Ho; ++oy)
      for (int ky = 0; ky < kh; ++ky) {
        int iy = oy * sh + ky * dh - pt;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < kw; ++kx) {
          int off = kx * dwl - pl;
          int lo = first_valid(off, sw);
          int hi = end_valid(off, sw, W, Wo);
          const f32 *tap = w + (ky * kw + kx) * CM;
          for (int ox = lo; ox < hi; ++ox) {
            f32 *xp = dx + ((b * H + iy) * W + ox * sw + off) * C;
            const f32 *dp = dy + ((b * Ho + oy) * Wo + ox) * CM;
            if (M == 1) {
              int c = 0;
              for (; c + 4 <= C; c += 4)
                wasm_v128_store(xp + c, wasm_f32x4_add(wasm_v128_load(xp + c),
                                                       wasm_f32x4_mul(wasm_v128_load(tap + c), wasm_v128_load(dp + c))));
              for (; c < C; ++c) xp[c] += tap[c] * dp[c];
            } else {
              for (int c = 0; c < C; ++c) {
                f32 s = 0.0f;
                for (int m = 0; m < M; ++m) s += tap[c * M + m] * dp[c * M + m];
                xp[c] += s;
              }
            }
          }
        }
      }
}

/*
 * Sum over all leading axes of a [rows, cols] matrix (the bias gradient of a channels-last conv):
 * out[c] = sum_r x[r*cols + c]. Blocks of 256 rows are summed into `scratch` (cols floats) first,
 * which keeps float error near that of a pairwise sum.
 */
EXPORT void sum_rows(const f32 *x, f32 *out, f32 *scratch, int rows, int cols) {
  zero_f32(out, cols);
  for (int r0 = 0; r0 < rows; r0 += 256) {
    int r1 = r0 + 256 < rows ? r0 + 256 : rows;
    zero_f32(scratch, cols);
    for (int r = r0; r < r1; ++r) {
      const f32 *row = x + r * cols;
      int c = 0;
      for (; c + 4 <= cols; c += 4)
        wasm_v128_store(scratch + c, wasm_f32x4_add(wasm_v128_load(scratch + c), wasm_v128_load(row + c)));
      for (; c < cols; ++c) scratch[c] += row[c];
    }
    int c = 0;
    for (; c + 4 <= cols; c += 4)
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), wasm_v128_load(scratch + c)));
    for (; c < cols; ++c) out[c] += scratch[c];
  }
}

/* out[r*cols + c] = x[r*cols + c] + bias[c]: a bias added along the last axis. */
EXPORT void add_bias(const f32 *x, const f32 *bias, f32 *out, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const f32 *row = x + r * cols;
    f32 *o = out + r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(row + c), wasm_v128_load(bias + c)));
    for (; c < cols; ++c) o[c] = row[c] + bias[c];
  }
}

/*
 * Conv2D forward (NHWC, filter [kh, kw, Ci, Co]): y[b,oy,ox,co] = sum x[b, oy*sh+ky*dh-pt,
 * ox*sw+kx*dwl-pl, ci] * w[ky,kx,ci,co]. Interior pixels go 4 at a time against 8 output channels
 * (8 accumulators in registers across all taps and input channels); border pixels one at a time
 * with the taps that fall inside the image.
 */
/*
 * K-loop segments of a conv: for one kernel row ky, the (kx, ci) pairs whose x values are contiguous.
 * With dilation 1 a whole kernel row is one run of (kx1-kx0)*Ci values (x[.., ix0+kx0 .., 0..Ci) and
 * the packed panel's rows (ky*kw + kx0)*Ci .. both advance by one per step); with dilation > 1, one
 * run per kx. SEGMENTS(body) runs the body with xp, wp (panel row, `pw` floats wide), n set per run.
 */
#define SEGMENTS(...)                                                                        \
  for (int ky = ky0; ky < ky1; ++ky) {                                                       \
    const f32 *xrow_ = xb + (iy0 + ky * dh) * W * Ci;                                        \
    if (dwl == 1) {                                                                          \
      const f32 *xp = xrow_ + (ix0 + kx0) * Ci;                                              \
      const f32 *wp = panel + ((ky * kw + kx0) * Ci) * pw;                                   \
      int n = (kx1 - kx0) * Ci;                                                              \
      __VA_ARGS__                                                                            \
    } else {                                                                                 \
      for (int kx = kx0; kx < kx1; ++kx) {                                                   \
        const f32 *xp = xrow_ + (ix0 + kx * dwl) * Ci;                                       \
        const f32 *wp = panel + ((ky * kw + kx) * Ci) * pw;                                  \
        int n = Ci;                                                                          \
        __VA_ARGS__                                                                          \
      }                                                                                      \
    }                                                                                        \
  }

/* Stores the first n (1..4) lanes of v at p. */
static void store_lanes(f32 *p, v128_t v, int n) {
  if (n >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

/* One output pixel (border pixels): taps [ky0,ky1) x [kx0,kx1) inside the image; `w` packed, K rows. */
static void conv_pixel(const f32 *xb, const f32 *w, f32 *yp, int W, int Ci, int Co, int K, int kw, int ky0,
                       int ky1, int iy0, int dh, int kx0, int kx1, int ix0, int dwl, int c0, int c1) {
  int co = c0;
  /* 32 channels (4 panels, 8 independent accumulators): 2 would wait on the FMA latency. The border
   * pixels of a batch-1 conv (3 of 7 columns in ResNet's last stage) go this way. */
  const int pj = 8 * K;
  for (; co + 32 <= c1 && co + 32 <= (Co & ~7); co += 32) {
    const f32 *panel = w + co * K;
    const int pw = 8;
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    SEGMENTS({
      for (int i = 0; i < n; ++i) {
        v128_t xv = wasm_v128_load32_splat(xp + i);
        a0 = MADD(a0, xv, wasm_v128_load(wp));
        a1 = MADD(a1, xv, wasm_v128_load(wp + 4));
        a2 = MADD(a2, xv, wasm_v128_load(wp + pj));
        a3 = MADD(a3, xv, wasm_v128_load(wp + pj + 4));
        a4 = MADD(a4, xv, wasm_v128_load(wp + 2 * pj));
        a5 = MADD(a5, xv, wasm_v128_load(wp + 2 * pj + 4));
        a6 = MADD(a6, xv, wasm_v128_load(wp + 3 * pj));
        a7 = MADD(a7, xv, wasm_v128_load(wp + 3 * pj + 4));
        wp += 8;
      }
    })
    wasm_v128_store(yp + co, a0);
    wasm_v128_store(yp + co + 4, a1);
    wasm_v128_store(yp + co + 8, a2);
    wasm_v128_store(yp + co + 12, a3);
    wasm_v128_store(yp + co + 16, a4);
    wasm_v128_store(yp + co + 20, a5);
    wasm_v128_store(yp + co + 24, a6);
    wasm_v128_store(yp + co + 28, a7);
  }
  for (; co + 8 <= c1 && co + 8 <= (Co & ~7); co += 8) {
    const f32 *panel = w + co * K;
    const int pw = 8;
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0;
    SEGMENTS({
      for (int i = 0; i < n; ++i) {
        v128_t xv = wasm_v128_load32_splat(xp + i);
        a0 = MADD(a0, xv, wasm_v128_load(wp));
        a1 = MADD(a1, xv, wasm_v128_load(wp + 4));
        wp += 8;
      }
    })
    wasm_v128_store(yp + co, a0);
    wasm_v128_store(yp + co + 4, a1);
  }
  for (; co < c1; co += 4) {
    const f32 *panel = w + co * K;
    const int pw = 4;
    v128_t a0 = wasm_f32x4_splat(0.0f);
    SEGMENTS({
      for (int i = 0; i < n; ++i) {
        a0 = MADD(a0, wasm_v128_load32_splat(xp + i), wasm_v128_load(wp));
        wp += 4;
      }
    })
    store_lanes(yp + co, a0, c1 - co);
  }
}

/* Four output pixels with the same taps [ky0,ky1) x [kx0,kx1): ps floats apart in x (4 interior pixels
 * of a row, ps = sw*Ci) or in y (ys floats apart: the same pixel of 4 images, ps = H*W*Ci). `w` packed. */
static void conv_tile4(const f32 *xb, const f32 *w, f32 *yp, int W, int Ci, int Co, int K, int kw, int ky0,
                       int ky1, int iy0, int dh, int kx0, int kx1, int ix0, int dwl, int ps, int ys,
                       int c0, int c1) {
  int co = c0;
  for (; co + 8 <= c1 && co + 8 <= (Co & ~7); co += 8) {
    const f32 *panel = w + co * K;
    const int pw = 8;
    v128_t a00 = wasm_f32x4_splat(0.0f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    SEGMENTS({
      for (int i = 0; i < n; ++i) {
        v128_t d0 = wasm_v128_load(wp), d1 = wasm_v128_load(wp + 4);
        v128_t xv = wasm_v128_load32_splat(xp + i);
        a00 = MADD(a00, xv, d0);
        a01 = MADD(a01, xv, d1);
        xv = wasm_v128_load32_splat(xp + i + ps);
        a10 = MADD(a10, xv, d0);
        a11 = MADD(a11, xv, d1);
        xv = wasm_v128_load32_splat(xp + i + 2 * ps);
        a20 = MADD(a20, xv, d0);
        a21 = MADD(a21, xv, d1);
        xv = wasm_v128_load32_splat(xp + i + 3 * ps);
        a30 = MADD(a30, xv, d0);
        a31 = MADD(a31, xv, d1);
        wp += 8;
      }
    })
    wasm_v128_store(yp + co, a00); wasm_v128_store(yp + co + 4, a01);
    wasm_v128_store(yp + ys + co, a10); wasm_v128_store(yp + ys + co + 4, a11);
    wasm_v128_store(yp + 2 * ys + co, a20); wasm_v128_store(yp + 2 * ys + co + 4, a21);
    wasm_v128_store(yp + 3 * ys + co, a30); wasm_v128_store(yp + 3 * ys + co + 4, a31);
  }
  for (; co < c1; co += 4) {
    const f32 *panel = w + co * K;
    const int pw = 4;
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    SEGMENTS({
      for (int i = 0; i < n; ++i) {
        v128_t d = wasm_v128_load(wp);
        a0 = MADD(a0, wasm_v128_load32_splat(xp + i), d);
        a1 = MADD(a1, wasm_v128_load32_splat(xp + i + ps), d);
        a2 = MADD(a2, wasm_v128_load32_splat(xp + i + 2 * ps), d);
        a3 = MADD(a3, wasm_v128_load32_splat(xp + i + 3 * ps), d);
        wp += 4;
      }
    })
    int m = c1 - co;
    store_lanes(yp + co, a0, m);
    store_lanes(yp + ys + co, a1, m);
    store_lanes(yp + 2 * ys + co, a2, m);
    store_lanes(yp + 3 * ys + co, a3, m);
  }
}

/* Bias (if not null) and activation (0 linear, 1 relu, 2 relu6) over one output row, still in cache. */
static void epilogue(f32 *row, const f32 *bias, int n, int Co, int act) {
  v128_t zero = wasm_f32x4_splat(0.0f), six = wasm_f32x4_splat(6.0f);
  for (int p = 0; p < n; ++p, row += Co) {
    int c = 0;
    for (; c + 4 <= Co; c += 4) {
      v128_t v = wasm_v128_load(row + c);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + c));
      if (act >= 1) v = wasm_f32x4_pmax(v, zero);
      if (act == 2) v = wasm_f32x4_pmin(v, six);
      wasm_v128_store(row + c, v);
    }
    for (; c < Co; ++c) {
      f32 v = row[c] + (bias ? bias[c] : 0.0f);
      if (act >= 1 && v < 0.0f) v = 0.0f;
      if (act == 2 && v > 6.0f) v = 6.0f;
      row[c] = v;
    }
  }
}

/* The conv forward (filter `w` packed, see pack_filter) over an output laid out with strides: pixel (b, oy, ox) at y + b*ybs + oy*yrs + ox*yps
 * (a dense output: ybs = Ho*Wo*Co, yrs = Wo*Co, yps = Co; one phase of a strided input gradient: every
 * sh-th row and sw-th column of dx). The bias/activation epilogue needs the dense layout. */
static void conv_core(const f32 *x, const f32 *w, f32 *y, int B, int H, int W, int Ci, int Ho, int Wo, int Co,
                      int kh, int kw, int sh, int sw, int dh, int dwl, int pt, int pl, const f32 *bias, int act,
                      int ybs, int yrs, int yps) {
  /* Interior columns: every tap inside the image, ox*sw - pl >= 0 and ox*sw + (kw-1)*dwl - pl < W. */
  int oxa = first_valid(-pl, sw);
  int oxb = end_valid((kw - 1) * dwl - pl, sw, W, Wo);
  /* A filter past L2 (ResNet's 3x3 convs from 128 channels: 0.6 to 9.4 MB) was streamed from memory
   * once per 4-pixel tile. Output channels in chunks whose filter slab (kh*kw*Ci rows of whole 64-byte
   * lines) stays in L2 over every pixel of the batch: the filter is read once, the input once a chunk. */
  int K = kh * kw * Ci;
  int chunk = Co;
  if ((long long)K * Co * 4 > (512 << 10)) {
    chunk = ((256 << 10) / (K * 4)) / 16 * 16;
    if (chunk < 16) chunk = 16;
    if (chunk > Co) chunk = Co;
  }
  /* Interior pixels 4 a row; the rest (borders, a row's leftover) 4 images at a time, same taps. */
  int ts = oxa + 4 <= oxb ? oxa : Wo;
  int te = ts < Wo ? ts + (oxb - ts) / 4 * 4 : Wo;
  /* Fewer than 4 images: the interior's leftover columns (3 of 7 in ResNet's last stage at batch 1) as one
   * more 4-pixel tile ending at the interior's end, overlapping the one before (the overlapped pixels get
   * the same values again), instead of one pixel at a time. */
  int tail = ts < Wo && te < oxb ? oxb - 4 : -1;
  for (int c0 = 0; c0 < Co; c0 += chunk) {
    int c1 = c0 + chunk < Co ? c0 + chunk : Co;
    for (int b0 = 0; b0 < B; b0 += 4) {
      int nb = B - b0 < 4 ? B - b0 : 4;
      for (int oy = 0; oy < Ho; ++oy) {
        int iy0 = oy * sh - pt;
        int ky0 = first_valid(iy0, dh);
        int ky1 = end_valid(iy0, dh, H, kh);
        for (int b = b0; b < b0 + nb; ++b) {
          const f32 *xb = x + b * H * W * Ci;
          f32 *yrow = y + b * ybs + oy * yrs;
          for (int ox = ts; ox < te; ox += 4)
            conv_tile4(xb, w, yrow + ox * yps, W, Ci, Co, K, kw, ky0, ky1, iy0, dh, 0, kw, ox * sw - pl, dwl, sw * Ci, yps, c0, c1);
          if (nb < 4 && tail >= 0)
            conv_tile4(xb, w, yrow + tail * yps, W, Ci, Co, K, kw, ky0, ky1, iy0, dh, 0, kw, tail * sw - pl, dwl, sw * Ci, yps, c0, c1);
        }
        for (int ox = 0; ox < Wo; ++ox) {
          if (ox == ts) ox = nb < 4 && tail >= 0 ? oxb : te;
          if (ox >= Wo) break;
          int ix0 = ox * sw - pl;
          int kx0 = first_valid(ix0, dwl), kx1 = end_valid(ix0, dwl, W, kw);
          if (nb == 4) {
            conv_tile4(x + b0 * H * W * Ci, w, y + b0 * ybs + oy * yrs + ox * yps, W, Ci, Co, K, kw, ky0, ky1, iy0, dh, kx0, kx1, ix0, dwl,
                       H * W * Ci, ybs, c0, c1);
          } else {
            for (int b = b0; b < b0 + nb; ++b)
              conv_pixel(x + b * H * W * Ci, w, y + b * ybs + oy * yrs + ox * yps, W, Ci, Co, K, kw, ky0, ky1, iy0, dh, kx0, kx1, ix0, dwl, c0, c1);
          }
        }
        if ((bias || act) && chunk == Co)
          for (int b = b0; b < b0 + nb; ++b) epilogue(y + b * ybs + oy * yrs, bias, Wo, Co, act);
      }
    }
  }
  if ((bias || act) && chunk < Co) epilogue(y, bias, B * Ho * Wo, Co, act);
}

/* Conv2D forward; `w` is the filter packed by pack_filter (K = kh*kw*Ci, N = Co). */
EXPORT void conv2d_forward(const f32 *x, const f32 *w, f32 *y, int B, int H, int W, int Ci, int Ho,
                           int Wo, int Co, int kh, int kw, int sh, int sw, int dh, int dwl, int pt, int pl,
                           const f32 *bias, int act) {
  conv_core(x, w, y, B, H, W, Ci, Ho, Wo, Co, kh, kw, sh, sw, dh, dwl, pt, pl, bias, act, Ho * Wo * Co, Wo * Co, Co);
}

/*
 * The sub-pixel split of a strided input gradient. Input rows iy with (iy + pt) % sh == ry receive
 * only the kernel rows ky = ry, ry + sh, ...; likewise for columns. So each phase (ry, rx) of dx is a
 * stride-1 conv of dy with that phase's taps, reversed, channels swapped. This writes the phases'
 * filters one after another (ry major, then rx): [Jy, Jx, Co, Ci] each,
 * out[j, i, co, ci] = w[ry + sh*(Jy-1-j), rx + sw*(Jx-1-i), ci, co], each packed (see pack_filter):
 * kh*kw*Co*round_up4(Ci) floats in all.
 */
EXPORT void phase_split_filter(const f32 *w, f32 *out, int kh, int kw, int Ci, int Co, int sh, int sw) {
  for (int ry = 0; ry < sh; ++ry) {
    int jy = phase_taps(ry, kh, sh);
    for (int rx = 0; rx < sw; ++rx) {
      int jx = phase_taps(rx, kw, sw);
      int K = jy * jx * Co;
      for (int j = 0; j < jy; ++j)
        for (int i = 0; i < jx; ++i) {
          const f32 *src = w + ((ry + sh * (jy - 1 - j)) * kw + rx + sw * (jx - 1 - i)) * Ci * Co;
          int k0 = (j * jx + i) * Co;
          for (int ci = 0; ci < Ci; ++ci)
            for (int co = 0; co < Co; ++co) out[packed_at(k0 + co, ci, K, Ci)] = src[ci * Co + co];
        }
      zero_panel_padding(out, K, Ci);
      out += K * round_up4(Ci);
    }
  }
}

/*
 * Conv2DBackpropInput for strides > 1 (NHWC, dilation 1, pads >= 0), as sh*sw stride-1 convs of dy
 * (conv_core's register tiles), one per output phase, each writing every sh-th row and sw-th column
 * of dx. `wp` holds the phases' packed filters from phase_split_filter. Phases without taps (a 1x1 filter
 * at stride 2) are zero. Phase ry's rows: iy = q*sh + ry - pt for q in [q0, q1); output row q - q0
 * of the phase conv reads dy rows q - j (j < Jy), so its top pad is Jy - 1 - q0.
 */
EXPORT void conv2d_backprop_input_phases(const f32 *dy, const f32 *wp, f32 *dx, int B, int H, int W, int Ci,
                                         int Ho, int Wo, int Co, int kh, int kw, int sh, int sw, int pt, int pl) {
  for (int ry = 0; ry < sh; ++ry) {
    int jy = phase_taps(ry, kh, sh);
    int qy0 = pt >= ry ? (pt - ry + sh - 1) / sh : 0;
    int qy1 = (H + pt - ry + sh - 1) / sh;
    int hq = qy1 - qy0;
    int iy0 = qy0 * sh + ry - pt;
    for (int rx = 0; rx < sw; ++rx) {
      int jx = phase_taps(rx, kw, sw);
      int qx0 = pl >= rx ? (pl - rx + sw - 1) / sw : 0;
      int qx1 = (W + pl - rx + sw - 1) / sw;
      int wq = qx1 - qx0;
      int ix0 = qx0 * sw + rx - pl;
      if (hq > 0 && wq > 0) {
        f32 *out = dx + (iy0 * W + ix0) * Ci;
        if (jy == 0 || jx == 0) {
          for (int b = 0; b < B; ++b)
            for (int q = 0; q < hq; ++q)
              for (int p = 0; p < wq; ++p) zero_f32(out + b * H * W * Ci + (q * sh * W + p * sw) * Ci, Ci);
        } else {
          conv_core(dy, wp, out, B, Ho, Wo, Co, hq, wq, Ci, jy, jx, 1, 1, 1, 1, jy - 1 - qy0, jx - 1 - qx0, 0, 0,
                    H * W * Ci, sh * W * Ci, sw * Ci);
        }
      }
      wp += jy * jx * Co * round_up4(Ci);
    }
  }
}

/*
 * Batch norm in training mode, channels last: per-channel sums over the rows of a [rows, cols] matrix
 * (cols = channels). Blocks of 64 rows are summed in float SIMD into `scratch` (2*cols floats), then
 * each block is added into the double sums, so the float error stays that of a 64-term sum.
 *   s1[c] = sum_r (x[r,c] - shift[c])      s2[c] = sum_r (x[r,c] - shift[c]) * y2[r,c]
 * where y2 = x - shift (moments: s2 is the shifted sum of squares) or, with `dy` non-null, y2 = dy and
 * s1 sums dy instead (the gradient's sum(dy) and sum(dy * (x - mean))).
 */
static void channel_sums(const f32 *x, const f32 *dy, const f32 *shift, double *s1, double *s2, f32 *scratch, int rows, int cols) {
  for (int c = 0; c < cols; ++c) s1[c] = s2[c] = 0.0;
  f32 *a1 = scratch, *a2 = scratch + cols;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    int r1 = r0 + 64 < rows ? r0 + 64 : rows;
    zero_f32(scratch, 2 * cols);
    for (int r = r0; r < r1; ++r) {
      const f32 *row = x + r * cols;
      const f32 *grow = dy ? dy + r * cols : 0;
      int c = 0;
      for (; c + 4 <= cols; c += 4) {
        v128_t d = wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(shift + c));
        v128_t g = grow ? wasm_v128_load(grow + c) : d;
        wasm_v128_store(a1 + c, wasm_f32x4_add(wasm_v128_load(a1 + c), g));
        wasm_v128_store(a2 + c, MADD(wasm_v128_load(a2 + c), d, g));
      }
      for (; c < cols; ++c) {
        f32 d = row[c] - shift[c];
        f32 g = grow ? grow[c] : d;
        a1[c] += g;
        a2[c] += d * g;
      }
    }
    for (int c = 0; c < cols; ++c) {
      s1[c] += (double)a1[c];
      s2[c] += (double)a2[c];
    }
  }
}

/* Moments pass of batch-norm training: s1, s2 as in channel_sums over x - shift. */
EXPORT void bn_moments(const f32 *x, const f32 *shift, double *s1, double *s2, f32 *scratch, int rows, int cols) {
  channel_sums(x, 0, shift, s1, s2, scratch, rows, cols);
}

/* Reduction pass of the batch-norm gradient: s1 = sum dy, s2 = sum dy * (x - mean), per channel. */
EXPORT void bn_grad_sums(const f32 *x, const f32 *dy, const f32 *mean, double *s1, double *s2, f32 *scratch, int rows, int cols) {
  channel_sums(x, dy, mean, s1, s2, scratch, rows, cols);
}

/* y[r,c] = a[c] * (x[r,c] - m[c]) + b[c]: batch norm's normalisation, per-channel coefficients. */
EXPORT void bn_normalize(const f32 *x, const f32 *m, const f32 *a, const f32 *b, f32 *y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const f32 *row = x + r * cols;
    f32 *o = y + r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(m + c));
      wasm_v128_store(o + c, MADD(wasm_v128_load(b + c), wasm_v128_load(a + c), d));
    }
    for (; c < cols; ++c) o[c] = a[c] * (row[c] - m[c]) + b[c];
  }
}

/* y[r*ystride + c] = min(max(a[c] * x[r,c] + b[c], lo), hi): an inference batch norm as a per-channel scale
 * and shift, with ReLU/ReLU6 (lo 0, hi 6 or inf) in the same pass; a strided output writes one piece of a
 * channel concatenation in place, so concat + batch norm + ReLU read and write the data once. */
EXPORT void scale_shift_act(const f32 *x, const f32 *a, const f32 *b, f32 *y, int rows, int cols, int ystride, f32 lo, f32 hi) {
  v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  for (int r = 0; r < rows; ++r) {
    const f32 *row = x + (long)r * cols;
    f32 *o = y + (long)r * ystride;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t v = MADD(wasm_v128_load(b + c), wasm_v128_load(a + c), wasm_v128_load(row + c));
      wasm_v128_store(o + c, wasm_f32x4_min(wasm_f32x4_max(v, vlo), vhi));
    }
    for (; c < cols; ++c) {
      f32 v = a[c] * row[c] + b[c];
      v = v < lo ? lo : v;
      o[c] = v > hi ? hi : v;
    }
  }
}

/* dx[r,c] = a[c] * dy[r,c] + b[c] * (x[r,c] - m[c]) + k[c]: the input gradient of batch-norm training. */
EXPORT void bn_grad_input(const f32 *dy, const f32 *x, const f32 *m, const f32 *a, const f32 *b, const f32 *k, f32 *dx, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const f32 *grow = dy + r * cols;
    const f32 *row = x + r * cols;
    f32 *o = dx + r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(m + c));
      v128_t acc = MADD(wasm_v128_load(k + c), wasm_v128_load(a + c), wasm_v128_load(grow + c));
      wasm_v128_store(o + c, MADD(acc, wasm_v128_load(b + c), d));
    }
    for (; c < cols; ++c) o[c] = a[c] * grow[c] + b[c] * (row[c] - m[c]) + k[c];
  }
}

/*
 * The gradient of ReLU (hi = +inf) and ReLU6 (hi = 6) in one pass: dx[i] = dy[i] where 0 < x[i] <= hi,
 * else 0 (tfjs' step(x) · (x <= hi) mask; NaN x gives 0). The mask is ANDed bitwise into dy, so the
 * result is exact. Replaces LessEqual + Step + Cast + Multiply: five full-size passes and three tensors.
 */
EXPORT void relu_grad(const f32 *dy, const f32 *x, f32 *dx, int n, f32 hi) {
  v128_t zero = wasm_f32x4_splat(0.0f), top = wasm_f32x4_splat(hi);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t x0 = wasm_v128_load(x + i), x1 = wasm_v128_load(x + i + 4);
    v128_t x2 = wasm_v128_load(x + i + 8), x3 = wasm_v128_load(x + i + 12);
    v128_t m0 = wasm_v128_and(wasm_f32x4_gt(x0, zero), wasm_f32x4_le(x0, top));
    v128_t m1 = wasm_v128_and(wasm_f32x4_gt(x1, zero), wasm_f32x4_le(x1, top));
    v128_t m2 = wasm_v128_and(wasm_f32x4_gt(x2, zero), wasm_f32x4_le(x2, top));
    v128_t m3 = wasm_v128_and(wasm_f32x4_gt(x3, zero), wasm_f32x4_le(x3, top));
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), m0));
    wasm_v128_store(dx + i + 4, wasm_v128_and(wasm_v128_load(dy + i + 4), m1));
    wasm_v128_store(dx + i + 8, wasm_v128_and(wasm_v128_load(dy + i + 8), m2));
    wasm_v128_store(dx + i + 12, wasm_v128_and(wasm_v128_load(dy + i + 12), m3));
  }
  for (; i + 4 <= n; i += 4) {
    v128_t xv = wasm_v128_load(x + i);
    v128_t m = wasm_v128_and(wasm_f32x4_gt(xv, zero), wasm_f32x4_le(xv, top));
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), m));
  }
  for (; i < n; ++i) dx[i] = (x[i] > 0.0f && x[i] <= hi) ? dy[i] : 0.0f;
}

/*
 * out[r, 0..n) = x[r, c0..c0+n) for r < rows, x with `cols` 32-bit values a row: one piece of a split
 * (SplitV over any axis, with rows = the product of the leading dims and cols = the rest). Concat's
 * gradient in DenseNet: tfjs' SplitV sliced each piece through a generic strided path.
 */
EXPORT void copy_columns(const f32 *x, f32 *out, int rows, int cols, int c0, int n) {
  x += c0;
  for (int r = 0; r < rows; ++r, x += cols, out += n) {
    int c = 0;
    for (; c + 16 <= n; c += 16) {
      v128_t a = wasm_v128_load(x + c), b = wasm_v128_load(x + c + 4);
      v128_t d = wasm_v128_load(x + c + 8), e = wasm_v128_load(x + c + 12);
      wasm_v128_store(out + c, a);
      wasm_v128_store(out + c + 4, b);
      wasm_v128_store(out + c + 8, d);
      wasm_v128_store(out + c + 12, e);
    }
    for (; c + 4 <= n; c += 4) wasm_v128_store(out + c, wasm_v128_load(x + c));
    for (; c < n; ++c) out[c] = x[c];
  }
}

/*
 * Winograd F(4x4, 3x3) for inference convs: 3x3, stride 1, 'same' (pad 1), Ci % 4 == 0, Co % 8 == 0.
 * The filter is transformed once (U = G g G^T, TS side) and each U[e] (e = 0..35) packed as pack_filter
 * does ([Co/8][Ci][8], Ci*Co floats apart). Per block of Tb output tiles (4x4 pixels each): the input
 * transform V[e][t][ci] = (B^T d B)[e] of the 6x6 patch, SIMD over channels; 36 GEMMs M[e] = V[e]
 * (Tb x Ci) * U[e] (Ci x Co) in 4-tile x 8-channel register tiles; the output transform A^T m A + shift +
 * act. 36 products per 16 outputs instead of 144 (4x fewer FLOPs); the points 0, +-1, +-2 put entries up
 * to 8 and 1/24 in the transforms: errors up to ~2e-6 of sum |x||w| (~20 ulp). F(2x2, 3x3) (16 products
 * per 4 outputs, ~2 ulp) ran 1.4-1.9x slower than this on ResNet-18's shapes.
 */
static inline v128_t wg_ld(const f32 *p, int ok) { return ok ? wasm_v128_load(p) : wasm_f32x4_splat(0.0f); }

/* M[e] (Tb x Co) = V[e] (Tb x Ci) * U[e] (packed) for e < E, Tb % 4 == 0, Co % 8 == 0. */
static void wg_gemm(const f32 *V, const f32 *U, f32 *M, int Tb, int Ci, int Co, int E) {
  for (int e = 0; e < E; ++e) {
    const f32 *Ve = V + (long)e * Tb * Ci;
    const f32 *Ue = U + (long)e * Ci * Co;
    f32 *Me = M + (long)e * Tb * Co;
    for (int n0 = 0; n0 < Co; n0 += 8) {
      const f32 *up = Ue + (long)n0 * Ci;
      for (int t = 0; t < Tb; t += 4) {
        const f32 *v0 = Ve + t * Ci, *v1 = v0 + Ci, *v2 = v1 + Ci, *v3 = v2 + Ci;
        v128_t a00 = wasm_f32x4_splat(0.0f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int k = 0; k < Ci; ++k) {
          v128_t u0 = wasm_v128_load(up + k * 8), u1 = wasm_v128_load(up + k * 8 + 4);
          v128_t b0 = wasm_v128_load32_splat(v0 + k);
          a00 = MADD(a00, b0, u0);
          a01 = MADD(a01, b0, u1);
          v128_t b1 = wasm_v128_load32_splat(v1 + k);
          a10 = MADD(a10, b1, u0);
          a11 = MADD(a11, b1, u1);
          v128_t b2 = wasm_v128_load32_splat(v2 + k);
          a20 = MADD(a20, b2, u0);
          a21 = MADD(a21, b2, u1);
          v128_t b3 = wasm_v128_load32_splat(v3 + k);
          a30 = MADD(a30, b3, u0);
          a31 = MADD(a31, b3, u1);
        }
        f32 *m = Me + (long)t * Co + n0;
        wasm_v128_store(m, a00);
        wasm_v128_store(m + 4, a01);
        wasm_v128_store(m + Co, a10);
        wasm_v128_store(m + Co + 4, a11);
        wasm_v128_store(m + 2 * Co, a20);
        wasm_v128_store(m + 2 * Co + 4, a21);
        wasm_v128_store(m + 3 * Co, a30);
        wasm_v128_store(m + 3 * Co + 4, a31);
      }
    }
  }
}

static inline v128_t wg_act(v128_t v, int act) {
  if (act >= 1) v = wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f));
  if (act == 2) v = wasm_f32x4_pmin(v, wasm_f32x4_splat(6.0f));
  return v;
}

#define F4(k) wasm_f32x4_splat(k)
/* Bᵀ of F(4×4, 3×3) on six vectors (a row or a column of the 6×6 tile): out[k·stride] = (Bᵀ d)_k. */
static inline void wg4_bt(v128_t d0, v128_t d1, v128_t d2, v128_t d3, v128_t d4, v128_t d5, f32 *out, long stride) {
  v128_t s12 = wasm_f32x4_add(d1, d2), s34 = wasm_f32x4_add(d3, d4);
  v128_t a = wasm_f32x4_sub(d4, d2), bb = wasm_f32x4_sub(d3, d1);
  wasm_v128_store(out, wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(F4(4.0f), d0), wasm_f32x4_mul(F4(5.0f), d2)), d4));
  wasm_v128_store(out + stride, wasm_f32x4_sub(s34, wasm_f32x4_mul(F4(4.0f), s12)));
  wasm_v128_store(out + 2 * stride, wasm_f32x4_add(wasm_f32x4_mul(F4(4.0f), wasm_f32x4_sub(d1, d2)), wasm_f32x4_sub(d4, d3)));
  wasm_v128_store(out + 3 * stride, wasm_f32x4_add(a, wasm_f32x4_mul(F4(2.0f), bb)));
  wasm_v128_store(out + 4 * stride, wasm_f32x4_sub(a, wasm_f32x4_mul(F4(2.0f), bb)));
  wasm_v128_store(out + 5 * stride, wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(F4(4.0f), d1), wasm_f32x4_mul(F4(5.0f), d3)), d5));
}

static void wg4_input(const f32 *x, f32 *V, int t0, int nt, int Tb, int H, int W, int Ci, int TH, int TW) {
  long es = (long)Tb * Ci;
  for (int t = 0; t < Tb; ++t) {
    f32 *vt = V + t * Ci;
    if (t >= nt) {
      for (int e = 0; e < 36; ++e) zero_f32(vt + e * es, Ci);
      continue;
    }
    int g = t0 + t;
    int b = g / (TH * TW), r = g % (TH * TW), ty = r / TW, tx = r % TW;
    int y0 = 4 * ty - 1, x0 = 4 * tx - 1;
    const f32 *xb = x + (long)b * H * W * Ci;
    int c0 = x0 >= 0, c4 = x0 + 4 < W, c5 = x0 + 5 < W, c3 = x0 + 3 < W, c2 = x0 + 2 < W;
    for (int i = 0; i < 6; ++i) {
      int yy = y0 + i;
      int ok = yy >= 0 && yy < H;
      const f32 *p = xb + ((long)yy * W + x0) * Ci;
      f32 *vr = vt + i * 6 * es;
      for (int c = 0; c + 4 <= Ci; c += 4) {
        v128_t d0 = wg_ld(p + c, ok && c0), d1 = wg_ld(p + Ci + c, ok), d2 = wg_ld(p + 2 * Ci + c, ok && c2);
        v128_t d3 = wg_ld(p + 3 * Ci + c, ok && c3), d4 = wg_ld(p + 4 * Ci + c, ok && c4), d5 = wg_ld(p + 5 * Ci + c, ok && c5);
        wg4_bt(d0, d1, d2, d3, d4, d5, vr + c, es);
      }
    }
    /* Column pass in place: plane (i*6 + j) holds row i's transform at column j. */
    for (int j = 0; j < 6; ++j) {
      f32 *vc = vt + j * es;
      long rs = 6 * es;
      for (int c = 0; c + 4 <= Ci; c += 4) {
        v128_t d0 = wasm_v128_load(vc + c), d1 = wasm_v128_load(vc + rs + c), d2 = wasm_v128_load(vc + 2 * rs + c);
        v128_t d3 = wasm_v128_load(vc + 3 * rs + c), d4 = wasm_v128_load(vc + 4 * rs + c), d5 = wasm_v128_load(vc + 5 * rs + c);
        wg4_bt(d0, d1, d2, d3, d4, d5, vc + c, rs);
      }
    }
  }
}

static void wg4_output(f32 *M, const f32 *shift, f32 *y, int t0, int nt, int Tb, int H, int W, int Co, int TH, int TW, int act) {
  long es = (long)Tb * Co;
  for (int t = 0; t < nt; ++t) {
    int g = t0 + t;
    int b = g / (TH * TW), r = g % (TH * TW), ty = r / TW, tx = r % TW;
    int oy = 4 * ty, ox = 4 * tx;
    f32 *m = M + (long)t * Co;
    /* Row pass in place: plane (i*6 + q), q < 4, gets row i's A^T along columns. */
    for (int i = 0; i < 6; ++i) {
      f32 *mr = m + i * 6 * es;
      for (int c = 0; c < Co; c += 4) {
        v128_t m0 = wasm_v128_load(mr + c), m1 = wasm_v128_load(mr + es + c), m2 = wasm_v128_load(mr + 2 * es + c);
        v128_t m3 = wasm_v128_load(mr + 3 * es + c), m4 = wasm_v128_load(mr + 4 * es + c), m5 = wasm_v128_load(mr + 5 * es + c);
        v128_t s12 = wasm_f32x4_add(m1, m2), d12 = wasm_f32x4_sub(m1, m2), s34 = wasm_f32x4_add(m3, m4), d34 = wasm_f32x4_sub(m3, m4);
        wasm_v128_store(mr + c, wasm_f32x4_add(wasm_f32x4_add(m0, s12), s34));
        wasm_v128_store(mr + es + c, wasm_f32x4_add(d12, wasm_f32x4_mul(F4(2.0f), d34)));
        wasm_v128_store(mr + 2 * es + c, wasm_f32x4_add(s12, wasm_f32x4_mul(F4(4.0f), s34)));
        wasm_v128_store(mr + 3 * es + c, wasm_f32x4_add(wasm_f32x4_add(d12, wasm_f32x4_mul(F4(8.0f), d34)), m5));
      }
    }
    int rows = H - oy < 4 ? H - oy : 4, cols = W - ox < 4 ? W - ox : 4;
    for (int q = 0; q < cols; ++q) {
      f32 *mc = m + q * es;
      long rs = 6 * es;
      f32 *yp = y + (((long)b * H + oy) * W + ox + q) * Co;
      long ys = (long)W * Co;
      for (int c = 0; c < Co; c += 4) {
        v128_t m0 = wasm_v128_load(mc + c), m1 = wasm_v128_load(mc + rs + c), m2 = wasm_v128_load(mc + 2 * rs + c);
        v128_t m3 = wasm_v128_load(mc + 3 * rs + c), m4 = wasm_v128_load(mc + 4 * rs + c), m5 = wasm_v128_load(mc + 5 * rs + c);
        v128_t s12 = wasm_f32x4_add(m1, m2), d12 = wasm_f32x4_sub(m1, m2), s34 = wasm_f32x4_add(m3, m4), d34 = wasm_f32x4_sub(m3, m4);
        v128_t sh = wasm_v128_load(shift + c);
        wasm_v128_store(yp + c, wg_act(wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(m0, s12), s34), sh), act));
        if (rows > 1) wasm_v128_store(yp + ys + c, wg_act(wasm_f32x4_add(wasm_f32x4_add(d12, wasm_f32x4_mul(F4(2.0f), d34)), sh), act));
        if (rows > 2) wasm_v128_store(yp + 2 * ys + c, wg_act(wasm_f32x4_add(wasm_f32x4_add(s12, wasm_f32x4_mul(F4(4.0f), s34)), sh), act));
        if (rows > 3) wasm_v128_store(yp + 3 * ys + c, wg_act(wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(d12, wasm_f32x4_mul(F4(8.0f), d34)), m5), sh), act));
      }
    }
  }
}
#undef F4

/* The F(4x4, 3x3) conv: x [B,H,W,Ci] -> y [B,H,W,Co], U the 36 packed transformed filters, `shift` [Co] added
 * before the activation (0 linear, 1 relu, 2 relu6); V (36*Tb*Ci floats) and M (36*Tb*Co) scratch, Tb % 4 == 0. */
EXPORT void conv2d_winograd_f43(const f32 *x, const f32 *U, f32 *y, int B, int H, int W, int Ci, int Co, const f32 *shift,
                                int act, f32 *V, f32 *M, int Tb) {
  int TH = (H + 3) / 4, TW = (W + 3) / 4, T = B * TH * TW;
  for (int t0 = 0; t0 < T; t0 += Tb) {
    int nt = T - t0 < Tb ? T - t0 : Tb;
    int tb = (nt + 3) & ~3;
    wg4_input(x, V, t0, nt, tb, H, W, Ci, TH, TW);
    wg_gemm(V, U, M, tb, Ci, Co, 36);
    wg4_output(M, shift, y, t0, nt, tb, H, W, Co, TH, TW, act);
  }
}
