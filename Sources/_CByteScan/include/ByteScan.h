// The bytes of interest to a CSV scanner among 16 bytes at once, with SSE2 (part of every
// x86-64 processor), and a portable loop elsewhere. Swift has no portable way to turn a
// vector comparison into a bit mask (`pmovmskb`); the CSV reader's plain-record scan needs one.
#ifndef DISPARITY_BYTE_SCAN_H
#define DISPARITY_BYTE_SCAN_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit masks of the 16 bytes at `p`, bit i for byte i: bits 0-15 the line feeds, carriage
/// returns and double quotes; bits 16-31 the bytes equal to `delimiter`; bits 32-47 the bytes
/// of 0x80 or more (not ASCII).
static inline uint64_t disparity_scan16(const uint8_t *p, uint8_t delimiter) {
#if defined(__SSE2__)
  __m128i v = _mm_loadu_si128((const __m128i *)p);
  __m128i stops = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
      _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  uint64_t s = (uint32_t)_mm_movemask_epi8(stops);
  uint64_t d = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)delimiter)));
  uint64_t h = (uint32_t)_mm_movemask_epi8(v);
  return s | d << 16 | h << 32;
#else
  uint64_t s = 0, d = 0, h = 0;
  for (int i = 0; i < 16; i++) {
    uint8_t b = p[i];
    s |= (uint64_t)(b == '\n' || b == '\r' || b == '"') << i;
    d |= (uint64_t)(b == delimiter) << i;
    h |= (uint64_t)(b >> 7) << i;
  }
  return s | d << 16 | h << 32;
#endif
}

#endif
