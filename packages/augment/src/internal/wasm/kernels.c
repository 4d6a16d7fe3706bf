/*
 * SIMD WebAssembly kernels of @fpdb/augment: per-pixel Gaussian and speckle noise, and the resize of a
 * crop (RandomResizedCrop).
 *
 * The module imports a memory that the JS side creates and grows ("env"."memory"); JS copies one image
 * in, calls a kernel, and copies it out. Every pointer below is a byte offset into that memory. No
 * linear-memory stack and no static data: build-wasm.sh checks the output has neither.
 *
 * Every float operation is a plain IEEE binary32 operation (add, sub, mul, div, sqrt, int<->float
 * conversion, compares and selects): no relaxed SIMD, no fused multiply-add, no -ffast-math. That is what
 * lets src/internal/noise.ts and src/internal/resize-crop.ts reproduce the output bit for bit in JS with
 * Math.fround and Math.imul when WebAssembly SIMD is unavailable — same seed, same bytes, everywhere.
 *
 * Build: src/internal/wasm/build-wasm.sh (clang >= 14 with wasm-ld); the built bytes are committed as
 * kernels-wasm.ts so that neither CI nor users need a compiler.
 */
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------------------------------------------ */
/* Normal draws: Mulberry32 per lane + Box-Muller with float32 polynomial log and sin/cos.          */
/* ------------------------------------------------------------------------------------------------ */

/* Mulberry32's Weyl increment. Draw number j (1-based) of seed s is mix(s + j*WEYL). */
#define WEYL 0x6d2b79f5

/* Mulberry32's output function of a (already incremented) state, on four lanes. */
static inline v128_t mix(v128_t t) {
  t = wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 15)), wasm_v128_or(t, wasm_i32x4_splat(1)));
  t = wasm_v128_xor(t, wasm_i32x4_add(t, wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 7)), wasm_v128_or(t, wasm_i32x4_splat(61)))));
  return wasm_v128_xor(t, wasm_u32x4_shr(t, 14));
}

/*
 * ln(u) for u = ((a >>> 8) + 1)·2^-24 in [2^-24, 1] (never 0): musl's logf (FreeBSD e_logf.c) without
 * its special cases, which this range never reaches. u = 2^k·x with x in [sqrt(1/2), sqrt(2)), then
 * ln(x) = f - f²/2 + s·(f²/2 + R(s²)) with f = x - 1, s = f/(2 + f).
 */
static inline v128_t log_uniform(v128_t a) {
  v128_t m = wasm_i32x4_add(wasm_u32x4_shr(a, 8), wasm_i32x4_splat(1));
  v128_t u = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(m), wasm_f32x4_splat(0x1p-24f));
  v128_t ix = wasm_i32x4_add(u, wasm_i32x4_splat(0x3f800000 - 0x3f3504f3));
  v128_t k = wasm_i32x4_sub(wasm_u32x4_shr(ix, 23), wasm_i32x4_splat(0x7f));
  v128_t x = wasm_i32x4_add(wasm_v128_and(ix, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f3504f3));
  v128_t f = wasm_f32x4_sub(x, wasm_f32x4_splat(1.0f));
  v128_t s = wasm_f32x4_div(f, wasm_f32x4_add(wasm_f32x4_splat(2.0f), f));
  v128_t z = wasm_f32x4_mul(s, s);
  v128_t w = wasm_f32x4_mul(z, z);
  v128_t t1 = wasm_f32x4_mul(w, wasm_f32x4_add(wasm_f32x4_splat(0xccce13.0p-25f), wasm_f32x4_mul(w, wasm_f32x4_splat(0xf89e26.0p-26f))));
  v128_t t2 = wasm_f32x4_mul(z, wasm_f32x4_add(wasm_f32x4_splat(0xaaaaaa.0p-24f), wasm_f32x4_mul(w, wasm_f32x4_splat(0x91e9ee.0p-25f))));
  v128_t r = wasm_f32x4_add(t2, t1);
  v128_t hfsq = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), f), f);
  v128_t dk = wasm_f32x4_convert_i32x4(k);
  v128_t y = wasm_f32x4_add(wasm_f32x4_mul(s, wasm_f32x4_add(hfsq, r)), wasm_f32x4_mul(dk, wasm_f32x4_splat(0x97f7d1.0p-40f)));
  y = wasm_f32x4_sub(y, hfsq);
  y = wasm_f32x4_add(y, f);
  return wasm_f32x4_add(y, wasm_f32x4_mul(dk, wasm_f32x4_splat(0xb17180.0p-24f)));
}

/*
 * cos and sin of the angle 2π·b/2^32 (b's top 26 bits). The quadrant q = (b + 2^29) >>> 30 and the
 * signed 24-bit offset j = (b << 2) >> 8 (arithmetic) give the angle q·π/2 + a, a = j·(π/2)/2^24 in
 * [-π/4, π/4): an exact range reduction. sin a and cos a are Cephes' sinf/cosf polynomials.
 */
static inline void sincos_turn(v128_t b, v128_t *cos_out, v128_t *sin_out) {
  v128_t q = wasm_u32x4_shr(wasm_i32x4_add(b, wasm_i32x4_splat(0x20000000)), 30);
  v128_t j = wasm_i32x4_shr(wasm_i32x4_shl(b, 2), 8);
  v128_t a = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(j), wasm_f32x4_splat(0x1.921fb6p-24f));
  v128_t z = wasm_f32x4_mul(a, a);
  v128_t ps = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(-1.9515295891e-4f), z), wasm_f32x4_splat(8.3321608736e-3f));
  ps = wasm_f32x4_sub(wasm_f32x4_mul(ps, z), wasm_f32x4_splat(1.6666654611e-1f));
  v128_t sn = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(ps, z), a), a);
  v128_t pc = wasm_f32x4_sub(wasm_f32x4_mul(wasm_f32x4_splat(2.443315711809948e-5f), z), wasm_f32x4_splat(1.388731625493765e-3f));
  pc = wasm_f32x4_add(wasm_f32x4_mul(pc, z), wasm_f32x4_splat(4.166664568298827e-2f));
  v128_t cs = wasm_f32x4_mul(wasm_f32x4_mul(pc, z), z);
  cs = wasm_f32x4_sub(cs, wasm_f32x4_mul(wasm_f32x4_splat(0.5f), z));
  cs = wasm_f32x4_add(cs, wasm_f32x4_splat(1.0f));
  /* q odd: swap; cos negative for q in {1, 2}, sin negative for q in {2, 3}. */
  v128_t odd = wasm_i32x4_eq(wasm_v128_and(q, wasm_i32x4_splat(1)), wasm_i32x4_splat(1));
  v128_t c = wasm_v128_bitselect(sn, cs, odd);
  v128_t s = wasm_v128_bitselect(cs, sn, odd);
  *cos_out = wasm_v128_xor(c, wasm_i32x4_shl(wasm_v128_and(wasm_i32x4_add(q, wasm_i32x4_splat(1)), wasm_i32x4_splat(2)), 30));
  *sin_out = wasm_v128_xor(s, wasm_i32x4_shl(wasm_v128_and(q, wasm_i32x4_splat(2)), 30));
}

/* min(max(v, 0), 1) with NaN kept (pmax/pmin: a < b ? b : a and b < a ? b : a). */
static inline v128_t clip01(v128_t v) {
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(1.0f));
}

/*
 * Fills blocks of 8 pixels: in block k, draw 8k+1+i (i = 0..3) gives the radius sqrt(-2 ln u)·std and
 * draw 8k+5+i the angle θ; pixel 8k+i receives radius·cos θ and pixel 8k+4+i radius·sin θ.
 * mode 0: v + mean + z (Gaussian); mode 1: v·(1 + z), 0 stays 0 (speckle).
 */
static inline void noise_blocks(float *d, int blocks, float mean, float std, int seed, int clip, int mode) {
  v128_t sa = wasm_i32x4_add(wasm_i32x4_splat(seed), wasm_i32x4_make((int)(WEYL * 1u), (int)(WEYL * 2u), (int)(WEYL * 3u), (int)(WEYL * 4u)));
  v128_t sb = wasm_i32x4_add(wasm_i32x4_splat(seed), wasm_i32x4_make((int)(WEYL * 5u), (int)(WEYL * 6u), (int)(WEYL * 7u), (int)(WEYL * 8u)));
  v128_t step = wasm_i32x4_splat((int)(WEYL * 8u));
  v128_t vstd = wasm_f32x4_splat(std);
  v128_t vmean = wasm_f32x4_splat(mean);
  v128_t one = wasm_f32x4_splat(1.0f);
  for (int k = 0; k < blocks; ++k) {
    v128_t ln = log_uniform(mix(sa));
    v128_t radius = wasm_f32x4_mul(wasm_f32x4_sqrt(wasm_f32x4_mul(wasm_f32x4_splat(-2.0f), ln)), vstd);
    v128_t c, s;
    sincos_turn(mix(sb), &c, &s);
    v128_t z0 = wasm_f32x4_mul(radius, c);
    v128_t z1 = wasm_f32x4_mul(radius, s);
    float *p = d + 8 * k;
    v128_t v0 = wasm_v128_load(p);
    v128_t v1 = wasm_v128_load(p + 4);
    v128_t r0, r1;
    if (mode == 0) {
      r0 = wasm_f32x4_add(wasm_f32x4_add(v0, vmean), z0);
      r1 = wasm_f32x4_add(wasm_f32x4_add(v1, vmean), z1);
    } else {
      r0 = wasm_f32x4_mul(v0, wasm_f32x4_add(one, z0));
      r1 = wasm_f32x4_mul(v1, wasm_f32x4_add(one, z1));
    }
    if (clip) {
      r0 = clip01(r0);
      r1 = clip01(r1);
    }
    if (mode == 1) {
      r0 = wasm_v128_bitselect(v0, r0, wasm_f32x4_eq(v0, wasm_f32x4_splat(0.0f)));
      r1 = wasm_v128_bitselect(v1, r1, wasm_f32x4_eq(v1, wasm_f32x4_splat(0.0f)));
    }
    wasm_v128_store(p, r0);
    wasm_v128_store(p + 4, r1);
    sa = wasm_i32x4_add(sa, step);
    sb = wasm_i32x4_add(sb, step);
  }
}

/* v + mean + N(0, std²) on 8·blocks floats at d (the caller pads the image to a multiple of 8). */
EXPORT void gaussian_noise(float *d, int blocks, float mean, float std, int seed, int clip) {
  if (clip) noise_blocks(d, blocks, mean, std, seed, 1, 0);
  else noise_blocks(d, blocks, mean, std, seed, 0, 0);
}

/* v·(1 + N(0, std²)) on 8·blocks floats at d; exact zeros stay as they are. */
EXPORT void speckle_noise(float *d, int blocks, float std, int seed, int clip) {
  if (clip) noise_blocks(d, blocks, 0.0f, std, seed, 1, 1);
  else noise_blocks(d, blocks, 0.0f, std, seed, 0, 1);
}

/* ------------------------------------------------------------------------------------------------ */
/* Resize of a crop: separable bilinear with precomputed taps.                                      */
/* ------------------------------------------------------------------------------------------------ */

/*
 * img: the w×h image (rows row_lo … row_hi are read, then the whole image is overwritten with the
 * result); tmp: (row_hi − row_lo + 1)·w floats; xl/xf: per output column the left source column and
 * the weight of its right neighbour; yl/yf: the same per output row (source row indices).
 * Pass 1: tmp row r = source row row_lo + r resampled along x: p + xf·(q − p).
 * Pass 2: output row y = t0 + yf·(t1 − t0) with t0, t1 the resampled rows yl[y], yl[y] + 1.
 * When w (h) is 1 the right (lower) neighbour is the pixel itself.
 */
EXPORT void resize_crop(float *img, float *tmp, const int *xl, const float *xf, const int *yl, const float *yf, int w, int h,
                        int row_lo, int row_hi) {
  int dx = w > 1 ? 1 : 0;
  for (int r = row_lo; r <= row_hi; ++r) {
    const float *src = img + r * w;
    float *dst = tmp + (r - row_lo) * w;
    for (int x = 0; x < w; ++x) {
      const float *q = src + xl[x];
      float p = q[0];
      dst[x] = p + xf[x] * (q[dx] - p);
    }
  }
  int dy = h > 1 ? w : 0;
  for (int y = 0; y < h; ++y) {
    const float *t0 = tmp + (yl[y] - row_lo) * w;
    const float *t1 = t0 + dy;
    float *out = img + y * w;
    float fy = yf[y];
    v128_t vf = wasm_f32x4_splat(fy);
    int x = 0;
    for (; x + 4 <= w; x += 4) {
      v128_t a = wasm_v128_load(t0 + x);
      v128_t b = wasm_v128_load(t1 + x);
      wasm_v128_store(out + x, wasm_f32x4_add(a, wasm_f32x4_mul(vf, wasm_f32x4_sub(b, a))));
    }
    for (; x < w; ++x) {
      float a = t0[x];
      out[x] = a + fy * (t1[x] - a);
    }
  }
}
