#define _GNU_SOURCE
#include "memwork.h"

#include <sys/mman.h>

void *memwork_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void memwork_free(void *buf, size_t len)
{
	if (buf)
		munmap(buf, len);
}

static int stopped(const atomic_int *stop)
{
	return atomic_load_explicit(stop, memory_order_relaxed) != 0;
}

size_t memwork_pass_seq(struct rng *r, unsigned char *buf, size_t len,
			const atomic_int *stop)
{
	size_t done = 0;

	while (done < len && !stopped(stop)) {
		size_t n = len - done < MEMWORK_CHUNK ? len - done : MEMWORK_CHUNK;

		rng_fill(r, buf + done, n);
		done += n;
	}
	return done;
}

size_t memwork_pass_pages(struct rng *r, unsigned char *buf, size_t len,
			  size_t pg, const size_t *order, size_t npages,
			  const atomic_int *stop)
{
	size_t done = 0;

	for (size_t i = 0; i < npages; i++) {
		size_t off = order[i] * pg;
		size_t n = len - off < pg ? len - off : pg;

		if ((i & 255) == 0 && stopped(stop))
			break;
		rng_fill(r, buf + off, n);
		done += n;
	}
	return done;
}

void memwork_shuffle(size_t *order, size_t n, uint64_t *sm_state)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)splitmix64_below(sm_state, i);
		size_t t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
}
