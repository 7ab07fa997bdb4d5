/* The calculation thread: counts fixed units of CPU work until told to stop. */
#ifndef TSM_CALC_H
#define TSM_CALC_H

#include <stdatomic.h>
#include <stdint.h>

struct calc {
	const atomic_int *stop;  /* in: becomes non-zero to end the thread */
	uint64_t count;          /* out: units completed */
	volatile uint64_t result; /* out: value computed, so no unit is dead code */
};

/* One unit: a serial chain of multiply/xor-shift steps on x. */
uint64_t calc_unit(uint64_t x);

/* pthread start routine; arg is a struct calc. */
void *calc_thread(void *arg);

#endif
