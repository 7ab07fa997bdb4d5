#include "rng.h"

#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

typedef uint64_t v2u64 __attribute__((vector_size(16)));

uint64_t splitmix64_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t splitmix64_below(uint64_t *state, uint64_t bound)
{
	/* Rejection sampling keeps the result unbiased. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t v;

	do
		v = splitmix64_next(state);
	while (v >= limit);
	return v % bound;
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t sm = seed;

	for (int i = 0; i < RNG_LANES; i++) {
		do
			r->lane[i] = splitmix64_next(&sm);
		while (r->lane[i] == 0); /* zero is xorshift's fixed point */
	}
}

static inline v2u64 step(v2u64 x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* Non-temporal stores on x86-64: plain stores make the CPU read each cache
 * line before overwriting it, which halves the write rate compared with
 * glibc's memset (rep stosb).  Other targets use ordinary vector stores,
 * as their memset does for non-zero values. */
static inline void store16_aligned(unsigned char *p, v2u64 v)
{
#if defined(__x86_64__)
	_mm_stream_si128((__m128i *)(void *)p, (__m128i)v);
#else
	*(v2u64 *)(void *)p = v;
#endif
}

static inline void store_fence(void)
{
#if defined(__x86_64__)
	_mm_sfence();
#endif
}

void rng_fill(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t blocks = len / RNG_BLOCK;
	size_t tail = len % RNG_BLOCK;
	v2u64 a, b, c, d;

	memcpy(&a, &r->lane[0], 16);
	memcpy(&b, &r->lane[2], 16);
	memcpy(&c, &r->lane[4], 16);
	memcpy(&d, &r->lane[6], 16);

	if (((uintptr_t)p & 15) == 0) {
		for (size_t i = 0; i < blocks; i++, p += RNG_BLOCK) {
			a = step(a);
			b = step(b);
			c = step(c);
			d = step(d);
			store16_aligned(p, a);
			store16_aligned(p + 16, b);
			store16_aligned(p + 32, c);
			store16_aligned(p + 48, d);
		}
		store_fence();
	} else {
		for (size_t i = 0; i < blocks; i++, p += RNG_BLOCK) {
			a = step(a);
			b = step(b);
			c = step(c);
			d = step(d);
			memcpy(p, &a, 16);
			memcpy(p + 16, &b, 16);
			memcpy(p + 32, &c, 16);
			memcpy(p + 48, &d, 16);
		}
	}

	if (tail) {
		unsigned char last[RNG_BLOCK];

		a = step(a);
		b = step(b);
		c = step(c);
		d = step(d);
		memcpy(last, &a, 16);
		memcpy(last + 16, &b, 16);
		memcpy(last + 32, &c, 16);
		memcpy(last + 48, &d, 16);
		memcpy(p, last, tail);
	}

	memcpy(&r->lane[0], &a, 16);
	memcpy(&r->lane[2], &b, 16);
	memcpy(&r->lane[4], &c, 16);
	memcpy(&r->lane[6], &d, 16);
}
