/* Value generator: cheap pseudo-random 64-bit words for the write passes. */
#ifndef TSM_RNG_H
#define TSM_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Eight independent xorshift64 streams, stepped together as four
 * two-lane vectors; each fill step produces one 64-byte block. */
#define RNG_LANES 8
#define RNG_BLOCK (RNG_LANES * 8)

struct rng {
	uint64_t lane[RNG_LANES];
};

/* splitmix64: seeds the lanes and drives scalar choices (page order). */
uint64_t splitmix64_next(uint64_t *state);

/* Uniform value in [0, bound), bound > 0. */
uint64_t splitmix64_below(uint64_t *state, uint64_t bound);

void rng_seed(struct rng *r, uint64_t seed);

/* Write len bytes of generator output to buf.  Each call consumes
 * ceil(len / RNG_BLOCK) blocks of the stream whatever the alignment of buf,
 * so the bytes written depend only on the seed and the call sequence. */
void rng_fill(struct rng *r, void *buf, size_t len);

#endif
