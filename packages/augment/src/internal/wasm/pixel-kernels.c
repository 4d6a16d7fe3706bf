/*
 * SIMD WebAssembly per-pixel kernels of @fpdb/augment: brightness and contrast (scale, shift, clamp),
 * the image sum of contrast's mean, gamma (float32 log and exp2 polynomials), MixUp's blend and sharpen.
 *
 * A second module beside kernels.c (which holds the noise and resize kernels) so that each stays under
 * 4 KB, the size a browser main thread compiles synchronously. Both instances import the same memory
 * ("env"."memory"); this one's constant table lives at PIXEL_TABLE (module.ts), after the noise table.
 * No linear-memory stack and no static data: build-wasm.sh checks the output has neither.
 *
 * Plain IEEE binary32/binary64 operations only (no relaxed SIMD, no fused multiply-add, no fast-math):
 * src/internal/intensity.ts and src/internal/blend.ts reproduce every output bit in JS with Math.fround.
 */
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))
/* Before a scalar tail loop: no vectorised or unrolled copy of it (module size). */
#define SCALAR _Pragma("clang loop vectorize(disable) unroll(disable)")

/* min(max(r, lo), hi) as f32x4.pmax/pmin: NaN passes, like clampPmax01 in clamp.ts. */
static inline v128_t clamp(v128_t r, v128_t lo, v128_t hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(r, lo), hi); }

/*
 * d[i] = clamp(d[i]·a + b, lo, hi) for i < 4·blocks. Brightness is a = f, b = −0 (x + (−0) = x for
 * every x), lo = −∞, hi = 1; contrast a = f, b = (1 − f)·mean, [lo, hi] = [0, 1].
 */
EXPORT void scale_shift(float *d, int blocks, float a, float b, float lo, float hi) {
  const v128_t va = wasm_f32x4_splat(a), vb = wasm_f32x4_splat(b), vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  for (int i = 0; i < blocks; ++i) {
    v128_t v = wasm_v128_load(d + 4 * i);
    wasm_v128_store(d + 4 * i, clamp(wasm_f32x4_add(wasm_f32x4_mul(v, va), vb), vlo, vhi));
  }
}

/*
 * The float64 sum of d[0 … 8·blocks): eight partial sums s_j over the indices ≡ j (mod 8), each in
 * index order, combined as ((s0 + s2) + (s4 + s6)) + ((s1 + s3) + (s5 + s7)).
 */
EXPORT double sum8(const float *d, int blocks) {
  v128_t a0 = wasm_f64x2_splat(0.0), a1 = a0, a2 = a0, a3 = a0;
  for (int i = 0; i < blocks; ++i) {
    v128_t x = wasm_v128_load(d + 8 * i);
    v128_t y = wasm_v128_load(d + 8 * i + 4);
    a0 = wasm_f64x2_add(a0, wasm_f64x2_promote_low_f32x4(x));
    a1 = wasm_f64x2_add(a1, wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(x, x, 1, 0)));
    a2 = wasm_f64x2_add(a2, wasm_f64x2_promote_low_f32x4(y));
    a3 = wasm_f64x2_add(a3, wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(y, y, 1, 0)));
  }
  /* a0 = (s0, s1), a1 = (s2, s3), a2 = (s4, s5), a3 = (s6, s7). */
  v128_t s = wasm_f64x2_add(wasm_f64x2_add(a0, a1), wasm_f64x2_add(a2, a3));
  return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
}

/* out[i] = λ·a[i] + μ·b[i] for i < 4·blocks (out may be a or b). */
EXPORT void blend(float *out, const float *a, const float *b, int blocks, float lambda, float mu) {
  const v128_t l = wasm_f32x4_splat(lambda), m = wasm_f32x4_splat(mu);
  for (int i = 0; i < blocks; ++i) {
    v128_t x = wasm_v128_load(a + 4 * i);
    v128_t y = wasm_v128_load(b + 4 * i);
    wasm_v128_store(out + 4 * i, wasm_f32x4_add(wasm_f32x4_mul(x, l), wasm_f32x4_mul(y, m)));
  }
}

/*
 * torchvision's adjust_sharpness on the w×h image src, written to dst: border pixels clamp(v); inside,
 * clamp(v·a + box·b) with box the 3×3 sum, from column sums col[x] = (up + centre) + down of the row,
 * box = (col[x − 1] + col[x]) + col[x + 1] (col: w floats of scratch); clamp to [0, 1] as pmax/pmin.
 */
EXPORT void sharpen(const float *src, float *dst, float *col, int w, int h, float a, float b) {
  const v128_t va = wasm_f32x4_splat(a), vb = wasm_f32x4_splat(b), lo = wasm_f32x4_splat(0.0f), hi = wasm_f32x4_splat(1.0f);
  for (int y = 0; y < h; ++y) {
    const float *c = src + y * w;
    float *o = dst + y * w;
    if (y == 0 || y == h - 1) {
      int x = 0;
      for (; x + 4 <= w; x += 4) wasm_v128_store(o + x, clamp(wasm_v128_load(c + x), lo, hi));
      SCALAR
      for (; x < w; ++x) o[x] = wasm_f32x4_extract_lane(clamp(wasm_f32x4_splat(c[x]), lo, hi), 0);
      continue;
    }
    const float *u = c - w, *l = c + w;
    int x = 0;
    for (; x + 4 <= w; x += 4) {
      wasm_v128_store(col + x, wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(u + x), wasm_v128_load(c + x)), wasm_v128_load(l + x)));
    }
    SCALAR
    for (; x < w; ++x) col[x] = (u[x] + c[x]) + l[x];
    o[0] = wasm_f32x4_extract_lane(clamp(wasm_f32x4_splat(c[0]), lo, hi), 0);
    x = 1;
    for (; x + 4 <= w - 1; x += 4) {
      v128_t box = wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(col + x - 1), wasm_v128_load(col + x)), wasm_v128_load(col + x + 1));
      v128_t r = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(c + x), va), wasm_f32x4_mul(box, vb));
      wasm_v128_store(o + x, clamp(r, lo, hi));
    }
    SCALAR
    for (; x < w - 1; ++x) {
      v128_t box = wasm_f32x4_splat((col[x - 1] + col[x]) + col[x + 1]);
      o[x] = wasm_f32x4_extract_lane(clamp(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(c[x]), va), wasm_f32x4_mul(box, vb)), lo, hi), 0);
    }
    if (w > 1) o[w - 1] = wasm_f32x4_extract_lane(clamp(wasm_f32x4_splat(c[w - 1]), lo, hi), 0);
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Gamma: gain·v^γ = gain·2^(γ·log2 v).                                                               */
/* ------------------------------------------------------------------------------------------------ */

/* Constants, read from a table in memory (V8 rebuilds a v128.const literal on every iteration). */
enum { G_TINY, G_2P24, G_M24, G_LOGOFF, G_M7F, G_MANT, G_SQRTH, G_F1, G_L1, G_L3, G_L5, G_L7, G_L9, G_MAGIC,
       G_E0, G_E1, G_E2, G_E3, G_E4, G_E5, G_NLO, G_NHI, G_F0, G_COUNT };

/* Writes the G_COUNT constants at k (16-byte slots). */
EXPORT void gamma_init(v128_t *k) {
  k[G_TINY] = wasm_f32x4_splat(0x1p-126f);
  k[G_2P24] = wasm_f32x4_splat(0x1p24f);
  k[G_M24] = wasm_i32x4_splat(-24);
  k[G_LOGOFF] = wasm_i32x4_splat(0x3f800000 - 0x3f3504f3);
  k[G_M7F] = wasm_i32x4_splat(0x7f);
  k[G_MANT] = wasm_i32x4_splat(0x007fffff);
  k[G_SQRTH] = wasm_i32x4_splat(0x3f3504f3);
  k[G_F1] = wasm_f32x4_splat(1.0f);
  /* 2/ln 2 · (1, 1/3, 1/5, 1/7, 1/9): log2 x = s·(L1 + z·(L3 + z·(L5 + z·(L7 + z·L9)))), s = (x − 1)/(x + 1), z = s². */
  k[G_L1] = wasm_f32x4_splat(2.8853900817779268f);
  k[G_L3] = wasm_f32x4_splat(0.9617966939259756f);
  k[G_L5] = wasm_f32x4_splat(0.5770780163555854f);
  k[G_L7] = wasm_f32x4_splat(0.4121985831111324f);
  k[G_L9] = wasm_f32x4_splat(0.3205988979753252f);
  k[G_MAGIC] = wasm_f32x4_splat(0x1.8p23f);
  k[G_E0] = wasm_f32x4_splat(1.535336188319500e-4f);
  k[G_E1] = wasm_f32x4_splat(1.339887440266574e-3f);
  k[G_E2] = wasm_f32x4_splat(9.618437357674640e-3f);
  k[G_E3] = wasm_f32x4_splat(5.550332471162809e-2f);
  k[G_E4] = wasm_f32x4_splat(2.402264791363012e-1f);
  k[G_E5] = wasm_f32x4_splat(6.931472028550421e-1f);
  k[G_NLO] = wasm_i32x4_splat(0);
  k[G_NHI] = wasm_i32x4_splat(254);
  k[G_F0] = wasm_f32x4_splat(0.0f);
}

/* Bytes of the table gamma_init writes. */
EXPORT int gamma_table_bytes(void) { return G_COUNT * 16; }

/*
 * d[i] = min(gain·d[i]^γ, 1), and 0 where !(d[i] > 0), for i < 4·blocks; k: the table of gamma_init.
 * γ = gh + gl with gh of 12 significant bits, so that gh·e and gl·e are exact for |e| ≤ 173.
 * v = 2^e·x with x in [sqrt(1/2), sqrt(2)) (subnormal v scaled by 2^24 first); log2 x = s·L(s²) with
 * s = (x − 1)/(x + 1) in ±0.172 (the atanh series, 5 terms). γ·log2 v = gh·e + gl·e + γ·log2 x is
 * reduced exactly to n + r (n integer, r in [−1/2, 1/2]): P = gh·e, its rounding p and P − p are exact;
 * r' = ((P − p) + gl·e) + γ·log2 x, q = round(r'), r = r' − q exact. 2^r is Cephes' exp2f polynomial
 * 1 + r·E(r); the result is (2^r·gain)·2^(p + q) with the exponent clamped to [−127, 127]: 2^−127 is
 * built as 0, so results below 2^−126 flush to 0, and above 2^127 they clamp to 1 anyway.
 */
EXPORT void gamma_pow(float *d, int blocks, float gh, float gl, float g, float gain, const v128_t *k) {
  const v128_t tiny = k[G_TINY], two24 = k[G_2P24], m24 = k[G_M24], logoff = k[G_LOGOFF], m7f = k[G_M7F];
  const v128_t mant = k[G_MANT], sqrth = k[G_SQRTH], f1 = k[G_F1];
  const v128_t l1 = k[G_L1], l3 = k[G_L3], l5 = k[G_L5], l7 = k[G_L7], l9 = k[G_L9], magic = k[G_MAGIC];
  const v128_t e0 = k[G_E0], e1 = k[G_E1], e2 = k[G_E2], e3 = k[G_E3], e4 = k[G_E4], e5 = k[G_E5];
  const v128_t nlo = k[G_NLO], nhi = k[G_NHI], f0 = k[G_F0];
  const v128_t vgh = wasm_f32x4_splat(gh), vgl = wasm_f32x4_splat(gl), vg = wasm_f32x4_splat(g), vgain = wasm_f32x4_splat(gain);
  if (gh == 1.0f && gl == 0.0f) {
    /* γ = 1 exactly: gain·v, one multiply (the polynomials would be off by an ulp or two). */
    for (int i = 0; i < blocks; ++i) {
      v128_t v = wasm_v128_load(d + 4 * i);
      wasm_v128_store(d + 4 * i, wasm_v128_and(wasm_f32x4_pmin(wasm_f32x4_mul(v, vgain), f1), wasm_f32x4_gt(v, f0)));
    }
    return;
  }
  for (int i = 0; i < blocks; ++i) {
    v128_t v = wasm_v128_load(d + 4 * i);
    v128_t sub = wasm_f32x4_lt(v, tiny);
    v128_t u = wasm_v128_bitselect(wasm_f32x4_mul(v, two24), v, sub);
    v128_t ix = wasm_i32x4_add(u, logoff);
    v128_t e = wasm_i32x4_add(wasm_i32x4_sub(wasm_i32x4_shr(ix, 23), m7f), wasm_v128_and(sub, m24));
    v128_t x = wasm_i32x4_add(wasm_v128_and(ix, mant), sqrth);
    v128_t s = wasm_f32x4_div(wasm_f32x4_sub(x, f1), wasm_f32x4_add(x, f1));
    v128_t z = wasm_f32x4_mul(s, s);
    v128_t l = wasm_f32x4_add(wasm_f32x4_mul(z, l9), l7);
    l = wasm_f32x4_add(wasm_f32x4_mul(l, z), l5);
    l = wasm_f32x4_add(wasm_f32x4_mul(l, z), l3);
    l = wasm_f32x4_add(wasm_f32x4_mul(l, z), l1);
    l = wasm_f32x4_mul(l, s);
    v128_t ef = wasm_f32x4_convert_i32x4(e);
    v128_t big = wasm_f32x4_mul(vgh, ef);
    v128_t tp = wasm_f32x4_add(big, magic);
    v128_t r = wasm_f32x4_add(wasm_f32x4_sub(big, wasm_f32x4_sub(tp, magic)), wasm_f32x4_mul(vgl, ef));
    r = wasm_f32x4_add(r, wasm_f32x4_mul(vg, l));
    v128_t tq = wasm_f32x4_add(r, magic);
    r = wasm_f32x4_sub(r, wasm_f32x4_sub(tq, magic));
    /* Biased exponent p + q + 127, clamped to [0, 254]. */
    v128_t n = wasm_i32x4_add(wasm_i32x4_sub(tp, magic), wasm_i32x4_sub(tq, magic));
    n = wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_add(n, m7f), nlo), nhi);
    v128_t p = wasm_f32x4_add(wasm_f32x4_mul(e0, r), e1);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), e2);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), e3);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), e4);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), e5);
    v128_t y = wasm_f32x4_add(wasm_f32x4_mul(p, r), f1);
    y = wasm_f32x4_mul(wasm_f32x4_mul(y, vgain), wasm_i32x4_shl(n, 23));
    y = wasm_f32x4_pmin(y, f1);
    wasm_v128_store(d + 4 * i, wasm_v128_and(y, wasm_f32x4_gt(v, f0)));
  }
}
