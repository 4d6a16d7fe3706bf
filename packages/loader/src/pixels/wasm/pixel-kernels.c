/*
 * WebAssembly kernels of the loader's own decode path: PNG row unfiltering and the antialiased
 * triangle resize of resize-gray.ts, bit for bit (plain IEEE float32 operations in the same order as
 * the JavaScript's Math.fround arithmetic, so the wasm and the plain-JS paths return the same bytes).
 *
 * The module imports its memory ("env"."memory", owned by pixel-kernels.ts, which copies inputs in
 * and results out) and must use no linear-memory stack and no static data: build-wasm.sh checks.
 * Build: src/pixels/wasm/build-wasm.sh (clang >= 14 with wasm-ld); the bytes are committed as
 * pixel-kernels-wasm.ts so that neither CI nor users need a compiler.
 */
#include <wasm_simd128.h>

typedef unsigned char u8;
#define EXPORT __attribute__((visibility("default")))

/*
 * The PNG Paeth predictor (RFC 2083 §6.6): a if pa <= pb and pa <= pc, else b if pb <= pc, else c, with
 * pa = |b - c|, pb = |a - c|, pc = |a + b - 2c|. Written with sign masks, so it compiles to plain
 * arithmetic: on speckled ultrasound the choice is close to random and a branch would mispredict often.
 */
static inline int paeth(int a, int b, int c) {
  int p = b - c, q = a - c, r = p + q;
  int mp = p >> 31, mq = q >> 31, mr = r >> 31;
  int pa = (p ^ mp) - mp, pb = (q ^ mq) - mq, pc = (r ^ mr) - mr;
  int use_c = (pc - pb) >> 31;            /* all ones when pc < pb */
  int bc = b ^ ((b ^ c) & use_c);         /* b if pb <= pc, else c */
  int m = pb ^ ((pb ^ pc) & use_c);       /* min(pb, pc) */
  int use_a = ~((m - pa) >> 31);          /* all ones when pa <= min(pb, pc) */
  return bc ^ ((a ^ bc) & use_a);
}

/* One gray Paeth row, bytes from..to-1 (from >= 1): a = out[i-1], c = up[i-1] carried in registers. */
static inline void paeth_gray_span(const u8 *in, u8 *out, const u8 *up, int from, int to) {
  int a = out[from - 1], c = up[from - 1];
  for (int i = from; i < to; ++i) {
    int b = up[i];
    a = (u8)(in[i] + paeth(a, b, c));
    out[i] = (u8)a;
    c = b;
  }
}

/*
 * Four consecutive gray Paeth rows (bpp 1, not the first row) as a wavefront: byte i of a row needs
 * only byte i-1 of itself and bytes i-1, i of the row above, so row r+1 can run one byte behind row r.
 * The four serial dependency chains (each byte waits on its left neighbour) then overlap in the CPU
 * instead of running one after another — the result is the same bytes as four single-row passes.
 * `in` points at the first row's filter byte, `out` at its output; rows are `stride` apart (+1 in `in`).
 */
static void paeth_gray_4rows(const u8 *in, u8 *out, int stride) {
  const int is = stride + 1;
  const u8 *i0 = in + 1, *i1 = i0 + is, *i2 = i1 + is, *i3 = i2 + is;
  u8 *o0 = out, *o1 = o0 + stride, *o2 = o1 + stride, *o3 = o2 + stride;
  const u8 *u0 = out - stride;
  /* Byte 0 of each row: Paeth with a = c = 0 predicts b. */
  o0[0] = (u8)(i0[0] + u0[0]);
  /* Prologue: rows start one byte apart. */
  paeth_gray_span(i0, o0, u0, 1, 4);
  o1[0] = (u8)(i1[0] + o0[0]);
  paeth_gray_span(i1, o1, o0, 1, 3);
  o2[0] = (u8)(i2[0] + o1[0]);
  paeth_gray_span(i2, o2, o1, 1, 2);
  o3[0] = (u8)(i3[0] + o2[0]);
  int a0 = o0[3], c0 = u0[3], a1 = o1[2], c1 = o0[2], a2 = o2[1], c2 = o1[1], a3 = o3[0], c3 = o2[0];
  for (int j = 4; j < stride; ++j) {
    int b0 = u0[j];
    a0 = (u8)(i0[j] + paeth(a0, b0, c0));
    o0[j] = (u8)a0;
    c0 = b0;
    int b1 = o0[j - 1];
    a1 = (u8)(i1[j - 1] + paeth(a1, b1, c1));
    o1[j - 1] = (u8)a1;
    c1 = b1;
    int b2 = o1[j - 2];
    a2 = (u8)(i2[j - 2] + paeth(a2, b2, c2));
    o2[j - 2] = (u8)a2;
    c2 = b2;
    int b3 = o2[j - 3];
    a3 = (u8)(i3[j - 3] + paeth(a3, b3, c3));
    o3[j - 3] = (u8)a3;
    c3 = b3;
  }
  /* Epilogue: the lower rows finish their last bytes. */
  paeth_gray_span(i1, o1, o0, stride - 1, stride);
  paeth_gray_span(i2, o2, o1, stride - 2, stride);
  paeth_gray_span(i3, o3, o2, stride - 3, stride);
}

/*
 * Reverses the PNG filters of `height` rows. `src` holds each row as its filter-type byte followed by
 * `stride` bytes; `dst` receives height*stride bytes. `bpp` is the bytes per complete pixel (>= 1).
 * Returns 0, or 1 + the index of the first row whose filter type is not 0-4 (a corrupt image).
 */
EXPORT int png_unfilter(const u8 *src, u8 *dst, int height, int stride, int bpp) {
  for (int y = 0; y < height; ++y) {
    const u8 *in = src + y * (stride + 1);
    int type = *in++;
    u8 *out = dst + y * stride;
    const u8 *up = out - stride;
    int i = 0;
    if (y == 0 && type == 2) type = 0;      /* Up on the first row: the row above is zeros. */
    if (y == 0 && type == 4) type = 1;      /* Paeth with b = c = 0 predicts a: Sub. */
    switch (type) {
    case 0:
      for (; i + 16 <= stride; i += 16) wasm_v128_store(out + i, wasm_v128_load(in + i));
      for (; i < stride; ++i) out[i] = in[i];
      break;
    case 1:
      for (; i < bpp && i < stride; ++i) out[i] = in[i];
      for (; i < stride; ++i) out[i] = (u8)(in[i] + out[i - bpp]);
      break;
    case 2:
      for (; i + 16 <= stride; i += 16) wasm_v128_store(out + i, wasm_i8x16_add(wasm_v128_load(in + i), wasm_v128_load(up + i)));
      for (; i < stride; ++i) out[i] = (u8)(in[i] + up[i]);
      break;
    case 3:
      if (y == 0) {
        for (; i < bpp && i < stride; ++i) out[i] = in[i];
        for (; i < stride; ++i) out[i] = (u8)(in[i] + (out[i - bpp] >> 1));
      } else {
        for (; i < bpp && i < stride; ++i) out[i] = (u8)(in[i] + (up[i] >> 1));
        for (; i < stride; ++i) out[i] = (u8)(in[i] + ((out[i - bpp] + up[i]) >> 1));
      }
      break;
    case 4:
      if (bpp == 1 && stride >= 8 && y + 4 <= height && in[stride] == 4 && in[2 * stride + 1] == 4 && in[3 * stride + 2] == 4) {
        /* This row and the next three are gray Paeth rows: run them as one wavefront. */
        paeth_gray_4rows(in - 1, out, stride);
        y += 3;
        break;
      }
      for (; i < bpp && i < stride; ++i) out[i] = (u8)(in[i] + up[i]);
      if (bpp == 1) {
        if (stride > 1) paeth_gray_span(in, out, up, 1, stride);
      } else {
        for (; i < stride; ++i) out[i] = (u8)(in[i] + paeth(out[i - bpp], up[i], up[i - bpp]));
      }
      break;
    default:
      return y + 1;
    }
  }
  return 0;
}

/* Math.round of a finite double: the nearest integer, halves rounded up. */
static inline double round_half_up(double x) {
  double r = __builtin_floor(x);
  return x - r >= 0.5 ? r + 1.0 : r;
}

/*
 * 8-bit gray+alpha (2 channels), RGB (3) or RGBA (4) samples to one gray byte per pixel, exactly as
 * gray.ts's toGray8 (in double): Y = 0.299 R + 0.587 G + 0.114 B, alpha composited over black, rounded.
 */
EXPORT void gray_from_samples(const u8 *src, u8 *dst, int pixels, int channels) {
  for (int p = 0; p < pixels; ++p, src += channels) {
    double y = channels >= 3 ? 0.299 * (double)src[0] + 0.587 * (double)src[1] + 0.114 * (double)src[2] : (double)src[0];
    if (channels == 2 || channels == 4) y = y * ((double)src[channels - 1] / 255.0);
    dst[p] = (u8)round_half_up(y);
  }
}

/* The resize's output byte: Math.round of the float32 sum, clamped to 0-255 (as resize-gray.ts). */
static inline u8 to_byte(float acc) {
  double a = (double)acc;
  return (u8)(a <= 0.0 ? 0.0 : a >= 255.0 ? 255.0 : round_half_up(a));
}

/*
 * Lanes holding 0-255 as float32, exactly: the bits of 2^23 + v, minus 2^23. (clang turns a plain
 * int-to-float convert of values it knows are non-negative into the unsigned convert, which V8 emulates
 * on x64 with about ten instructions; this is two.)
 */
static inline v128_t bytes_to_f32(v128_t v) {
  return wasm_f32x4_sub(wasm_v128_or(v, wasm_i32x4_splat(0x4B000000)), wasm_f32x4_splat(8388608.0f));
}

/*
 * Vertical pass, first: for each of `dh` output rows, the `sw` columns of the source,
 * mid[y*sw + x] = sum_k src[(start[y] + k)*sw + x] * weights[y*stride + k], k < count[y], in float32
 * (each product rounded, then each sum, in k order from 0) — eight columns per two f32x4, every lane doing
 * exactly the scalar sum, so resize-gray.ts's Math.fround arithmetic gives the same bits.
 */
EXPORT void resize_rows(const u8 *src, int sw, int dh, const int *start, const int *count, const float *weights, int stride, float *mid) {
  for (int y = 0; y < dh; ++y) {
    const u8 *base = src + start[y] * sw;
    const float *w = weights + y * stride;
    int n = count[y];
    float *o = mid + y * sw;
    int x = 0;
    for (; x + 8 <= sw; x += 8) {
      v128_t lo = wasm_f32x4_splat(0.0f), hi = lo;
      const u8 *p = base + x;
      for (int k = 0; k < n; ++k, p += sw) {
        v128_t v16 = wasm_u16x8_load8x8(p);
        v128_t wk = wasm_f32x4_splat(w[k]);
        lo = wasm_f32x4_add(lo, wasm_f32x4_mul(bytes_to_f32(wasm_u32x4_extend_low_u16x8(v16)), wk));
        hi = wasm_f32x4_add(hi, wasm_f32x4_mul(bytes_to_f32(wasm_u32x4_extend_high_u16x8(v16)), wk));
      }
      wasm_v128_store(o + x, lo);
      wasm_v128_store(o + x + 4, hi);
    }
    for (; x < sw; ++x) {
      float acc = 0.0f;
      const u8 *p = base + x;
      for (int k = 0; k < n; ++k, p += sw) acc = acc + (float)*p * w[k];
      o[x] = acc;
    }
  }
}

/*
 * Horizontal pass: out[y*dw + x] = to_byte(sum_k mid[y*sw + start[x] + k] * weights[x*stride + k]),
 * k < count[x], float32 in k order, for the `dh` rows the vertical pass made. Four outputs run side by
 * side (independent sums, so the adds overlap instead of waiting on each other), each to the largest of
 * their four tap counts: the weights past an output's own count are exact zeros, and adding p*0 = +0
 * leaves a float32 sum unchanged, so each output is still exactly its own sum. The caller leaves
 * `stride` floats of slack after `mid` for those reads.
 */
EXPORT void resize_cols(const float *mid, int sw, int dh, int dw, const int *start, const int *count, const float *weights, int stride, u8 *out) {
  for (int y = 0; y < dh; ++y) {
    const float *row = mid + y * sw;
    u8 *o = out + y * dw;
    int x = 0;
    for (; x + 4 <= dw; x += 4) {
      const float *p0 = row + start[x], *p1 = row + start[x + 1], *p2 = row + start[x + 2], *p3 = row + start[x + 3];
      const float *w0 = weights + x * stride, *w1 = w0 + stride, *w2 = w1 + stride, *w3 = w2 + stride;
      int n = count[x];
      for (int j = 1; j < 4; ++j) n = count[x + j] > n ? count[x + j] : n;
      float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
      for (int k = 0; k < n; ++k) {
        a0 = a0 + p0[k] * w0[k];
        a1 = a1 + p1[k] * w1[k];
        a2 = a2 + p2[k] * w2[k];
        a3 = a3 + p3[k] * w3[k];
      }
      o[x] = to_byte(a0);
      o[x + 1] = to_byte(a1);
      o[x + 2] = to_byte(a2);
      o[x + 3] = to_byte(a3);
    }
    for (; x < dw; ++x) {
      const float *p = row + start[x];
      const float *w = weights + x * stride;
      int n = count[x];
      float acc = 0.0f;
      for (int k = 0; k < n; ++k) acc = acc + p[k] * w[k];
      o[x] = to_byte(acc);
    }
  }
}
