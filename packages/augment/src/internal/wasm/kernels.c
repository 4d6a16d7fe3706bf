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

/*
 * The vector constants live in a table in memory (written once by noise_init) and are loaded into locals
 * before the loop: written as literals, clang leaves each v128.const inside the loop, and V8 builds a
 * 128-bit constant with several instructions every time — that alone doubled the cost per pixel.
 */
enum {
  K_I1, K_I61, K_2M24, K_LOGOFF, K_M7F, K_MANT, K_SQRTH, K_F1, K_F2, K_HALF, K_LG1, K_LG2, K_LG3, K_LG4, K_LN2LO,
  K_LN2HI, K_M2, K_QOFF, K_STEP, K_S1, K_S2, K_S3, K_C1, K_C2, K_C3, K_I2, K_F0, K_WEYL_A, K_WEYL_B, K_STEP8, K_COUNT
};

/* Writes the K_COUNT constants at k (16-byte slots). */
EXPORT void noise_init(v128_t *k) {
  k[K_I1] = wasm_i32x4_splat(1);
  k[K_I61] = wasm_i32x4_splat(61);
  k[K_2M24] = wasm_f32x4_splat(0x1p-24f);
  k[K_LOGOFF] = wasm_i32x4_splat(0x3f800000 - 0x3f3504f3);
  k[K_M7F] = wasm_i32x4_splat(0x7f);
  k[K_MANT] = wasm_i32x4_splat(0x007fffff);
  k[K_SQRTH] = wasm_i32x4_splat(0x3f3504f3);
  k[K_F1] = wasm_f32x4_splat(1.0f);
  k[K_F2] = wasm_f32x4_splat(2.0f);
  k[K_HALF] = wasm_f32x4_splat(0.5f);
  k[K_LG1] = wasm_f32x4_splat(0xaaaaaa.0p-24f);
  k[K_LG2] = wasm_f32x4_splat(0xccce13.0p-25f);
  k[K_LG3] = wasm_f32x4_splat(0x91e9ee.0p-25f);
  k[K_LG4] = wasm_f32x4_splat(0xf89e26.0p-26f);
  k[K_LN2LO] = wasm_f32x4_splat(0x97f7d1.0p-40f);
  k[K_LN2HI] = wasm_f32x4_splat(0xb17180.0p-24f);
  k[K_M2] = wasm_f32x4_splat(-2.0f);
  k[K_QOFF] = wasm_i32x4_splat(0x20000000);
  k[K_STEP] = wasm_f32x4_splat(0x1.921fb6p-24f);
  k[K_S1] = wasm_f32x4_splat(1.6666654611e-1f);
  k[K_S2] = wasm_f32x4_splat(8.3321608736e-3f);
  k[K_S3] = wasm_f32x4_splat(-1.9515295891e-4f);
  k[K_C1] = wasm_f32x4_splat(4.166664568298827e-2f);
  k[K_C2] = wasm_f32x4_splat(1.388731625493765e-3f);
  k[K_C3] = wasm_f32x4_splat(2.443315711809948e-5f);
  k[K_I2] = wasm_i32x4_splat(2);
  k[K_F0] = wasm_f32x4_splat(0.0f);
  k[K_WEYL_A] = wasm_i32x4_make((int)(WEYL * 1u), (int)(WEYL * 2u), (int)(WEYL * 3u), (int)(WEYL * 4u));
  k[K_WEYL_B] = wasm_i32x4_make((int)(WEYL * 5u), (int)(WEYL * 6u), (int)(WEYL * 7u), (int)(WEYL * 8u));
  k[K_STEP8] = wasm_i32x4_splat((int)(WEYL * 8u));
}

/* Bytes of the table noise_init writes. */
EXPORT int noise_table_bytes(void) { return K_COUNT * 16; }

/*
 * Fills 8·blocks pixels. In block b (pixels 8b … 8b + 7), draw 8b+1+i (i = 0..3) gives u and draw
 * 8b+5+i the angle θ; pixel 8b+i receives std·sqrt(-2 ln u)·cos θ and pixel 8b+4+i std·sqrt(-2 ln u)·sin θ.
 * mode 0: v + mean + z (Gaussian); mode 1: v·(1 + z) with exact zeros kept (speckle).
 *
 * Mulberry32 per lane: t = (t ^ t >>> 15)·(t | 1); t ^= t + (t ^ t >>> 7)·(t | 61); t ^ t >>> 14 (mulberryMix in noise.ts).
 * ln u, u = ((a >>> 8) + 1)·2^-24 in [2^-24, 1]: musl's logf (FreeBSD e_logf.c) without its special
 * cases, which this range never reaches: u = 2^k·x, x in [sqrt(1/2), sqrt(2)), f = x - 1,
 * s = f/(2 + f), ln u = s·(f²/2 + R) + k·ln2_lo - f²/2 + f + k·ln2_hi.
 * θ = 2π·b/2^32 (b's top 26 bits): quadrant q = (b + 2^29) >>> 30 and signed 24-bit offset
 * j = (b << 2) >> 8, so θ = q·π/2 + a with a = j·(π/2)/2^24 in [-π/4, π/4] — an exact range reduction;
 * sin a and cos a are Cephes' sinf/cosf polynomials; q odd swaps them, and the signs follow q.
 */
static inline void noise_blocks(float *d, int blocks, float mean, float std, int seed, int clip, int mode, const v128_t *k) {
  /* Clamping to [-inf, inf] is the identity (NaN included), so clip is a pair of bounds, not a second loop. */
  const v128_t lo = wasm_f32x4_splat(clip ? 0.0f : -__builtin_inff()), hi = wasm_f32x4_splat(clip ? 1.0f : __builtin_inff());
  const v128_t i1 = k[K_I1], i61 = k[K_I61], two_m24 = k[K_2M24], logoff = k[K_LOGOFF], m7f = k[K_M7F], mant = k[K_MANT];
  const v128_t sqrth = k[K_SQRTH], f1 = k[K_F1], f2 = k[K_F2], half = k[K_HALF], lg1 = k[K_LG1], lg2 = k[K_LG2];
  const v128_t lg3 = k[K_LG3], lg4 = k[K_LG4], ln2lo = k[K_LN2LO], ln2hi = k[K_LN2HI], m2 = k[K_M2], qoff = k[K_QOFF];
  const v128_t astep = k[K_STEP], s1 = k[K_S1], s2 = k[K_S2], s3 = k[K_S3], c1 = k[K_C1], c2 = k[K_C2], c3 = k[K_C3];
  const v128_t i2 = k[K_I2], f0 = k[K_F0], step = k[K_STEP8];
  v128_t vseed = wasm_i32x4_splat(seed);
  v128_t sa = wasm_i32x4_add(vseed, k[K_WEYL_A]);
  v128_t sb = wasm_i32x4_add(vseed, k[K_WEYL_B]);
  v128_t vstd = wasm_f32x4_splat(std);
  v128_t vmean = wasm_f32x4_splat(mean);
  for (int b = 0; b < blocks; ++b) {
    /* Mulberry32 on both state vectors. */
    v128_t ta = wasm_i32x4_mul(wasm_v128_xor(sa, wasm_u32x4_shr(sa, 15)), wasm_v128_or(sa, i1));
    v128_t tb = wasm_i32x4_mul(wasm_v128_xor(sb, wasm_u32x4_shr(sb, 15)), wasm_v128_or(sb, i1));
    ta = wasm_v128_xor(ta, wasm_i32x4_add(ta, wasm_i32x4_mul(wasm_v128_xor(ta, wasm_u32x4_shr(ta, 7)), wasm_v128_or(ta, i61))));
    tb = wasm_v128_xor(tb, wasm_i32x4_add(tb, wasm_i32x4_mul(wasm_v128_xor(tb, wasm_u32x4_shr(tb, 7)), wasm_v128_or(tb, i61))));
    ta = wasm_v128_xor(ta, wasm_u32x4_shr(ta, 14));
    tb = wasm_v128_xor(tb, wasm_u32x4_shr(tb, 14));
    /* ln u. */
    v128_t u = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_add(wasm_u32x4_shr(ta, 8), i1)), two_m24);
    v128_t ix = wasm_i32x4_add(u, logoff);
    v128_t dk = wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_u32x4_shr(ix, 23), m7f));
    v128_t f = wasm_f32x4_sub(wasm_i32x4_add(wasm_v128_and(ix, mant), sqrth), f1);
    v128_t s = wasm_f32x4_div(f, wasm_f32x4_add(f2, f));
    v128_t hfsq = wasm_f32x4_mul(wasm_f32x4_mul(half, f), f);
    v128_t z = wasm_f32x4_mul(s, s);
    v128_t w = wasm_f32x4_mul(z, z);
    v128_t t1 = wasm_f32x4_mul(w, wasm_f32x4_add(lg2, wasm_f32x4_mul(w, lg4)));
    v128_t t2 = wasm_f32x4_mul(z, wasm_f32x4_add(lg1, wasm_f32x4_mul(w, lg3)));
    v128_t y = wasm_f32x4_add(wasm_f32x4_mul(s, wasm_f32x4_add(hfsq, wasm_f32x4_add(t2, t1))), wasm_f32x4_mul(dk, ln2lo));
    y = wasm_f32x4_add(wasm_f32x4_sub(y, hfsq), f);
    y = wasm_f32x4_add(y, wasm_f32x4_mul(dk, ln2hi));
    v128_t radius = wasm_f32x4_mul(wasm_f32x4_sqrt(wasm_f32x4_mul(m2, y)), vstd);
    /* cos θ, sin θ. */
    v128_t q = wasm_u32x4_shr(wasm_i32x4_add(tb, qoff), 30);
    v128_t a = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_shr(wasm_i32x4_shl(tb, 2), 8)), astep);
    v128_t za = wasm_f32x4_mul(a, a);
    v128_t ps = wasm_f32x4_add(wasm_f32x4_mul(s3, za), s2);
    v128_t pc = wasm_f32x4_sub(wasm_f32x4_mul(c3, za), c2);
    ps = wasm_f32x4_sub(wasm_f32x4_mul(ps, za), s1);
    pc = wasm_f32x4_add(wasm_f32x4_mul(pc, za), c1);
    v128_t sn = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(ps, za), a), a);
    v128_t cs = wasm_f32x4_mul(wasm_f32x4_mul(pc, za), za);
    cs = wasm_f32x4_add(wasm_f32x4_sub(cs, wasm_f32x4_mul(half, za)), f1);
    v128_t odd = wasm_i32x4_eq(wasm_v128_and(q, i1), i1);
    v128_t c = wasm_v128_xor(wasm_v128_bitselect(sn, cs, odd), wasm_i32x4_shl(wasm_v128_and(wasm_i32x4_add(q, i1), i2), 30));
    v128_t sv = wasm_v128_xor(wasm_v128_bitselect(cs, sn, odd), wasm_i32x4_shl(wasm_v128_and(q, i2), 30));
    /* Apply to the 8 pixels. */
    float *p = d + 8 * b;
    v128_t v0 = wasm_v128_load(p);
    v128_t v1 = wasm_v128_load(p + 4);
    v128_t r0, r1;
    if (mode == 0) {
      r0 = wasm_f32x4_add(wasm_f32x4_add(v0, vmean), wasm_f32x4_mul(radius, c));
      r1 = wasm_f32x4_add(wasm_f32x4_add(v1, vmean), wasm_f32x4_mul(radius, sv));
    } else {
      r0 = wasm_f32x4_mul(v0, wasm_f32x4_add(f1, wasm_f32x4_mul(radius, c)));
      r1 = wasm_f32x4_mul(v1, wasm_f32x4_add(f1, wasm_f32x4_mul(radius, sv)));
    }
    /* min(max(r, lo), hi) with NaN kept: pmax(r, lo) = r < lo ? lo : r, pmin(r, hi) = hi < r ? hi : r. */
    r0 = wasm_f32x4_pmin(wasm_f32x4_pmax(r0, lo), hi);
    r1 = wasm_f32x4_pmin(wasm_f32x4_pmax(r1, lo), hi);
    if (mode == 1) {
      r0 = wasm_v128_bitselect(v0, r0, wasm_f32x4_eq(v0, f0));
      r1 = wasm_v128_bitselect(v1, r1, wasm_f32x4_eq(v1, f0));
    }
    wasm_v128_store(p, r0);
    wasm_v128_store(p + 4, r1);
    sa = wasm_i32x4_add(sa, step);
    sb = wasm_i32x4_add(sb, step);
  }
}

/* v + mean + N(0, std²) on 8·blocks floats at d (the caller pads the image); k: the table of noise_init. */
EXPORT void gaussian_noise(float *d, int blocks, float mean, float std, int seed, int clip, const v128_t *k) {
  noise_blocks(d, blocks, mean, std, seed, clip, 0, k);
}

/* v·(1 + N(0, std²)) on 8·blocks floats at d; exact zeros stay as they are. */
EXPORT void speckle_noise(float *d, int blocks, float std, int seed, int clip, const v128_t *k) {
  noise_blocks(d, blocks, 0.0f, std, seed, clip, 1, k);
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
