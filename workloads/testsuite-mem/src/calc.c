#include "calc.h"

#include <stddef.h>

/* Each step depends on the previous one, so the unit costs a fixed number
 * of dependent multiplies and cannot be folded or vectorised away. */
uint64_t calc_unit(uint64_t x)
{
	for (int i = 0; i < 8; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		x ^= x >> 29;
	}
	return x;
}

/* Units between looks at the stop flag. */
#define CALC_BATCH 64

void *calc_thread(void *arg)
{
	struct calc *c = arg;
	uint64_t x = 0x853c49e6748fea9bULL;
	uint64_t n = 0;

	while (!atomic_load_explicit(c->stop, memory_order_relaxed)) {
		for (int i = 0; i < CALC_BATCH; i++)
			x = calc_unit(x);
		n += CALC_BATCH;
	}
	c->count = n;
	c->result = x;
	return NULL;
}
