/* The memory side of the workload: buffer allocation and write passes. */
#ifndef TSM_MEMWORK_H
#define TSM_MEMWORK_H

#include <stdatomic.h>
#include <stddef.h>

#include "rng.h"

/* A sequential pass checks *stop after each chunk of this many bytes. */
#define MEMWORK_CHUNK ((size_t)1 << 20)

/* Anonymous private mapping, not pre-faulted: the write passes take the
 * page faults.  NULL when mmap fails. */
void *memwork_alloc(size_t len);
void memwork_free(void *buf, size_t len);

/* One write pass in address order.  Returns the bytes written: len, or
 * less when *stop became non-zero. */
size_t memwork_pass_seq(struct rng *r, unsigned char *buf, size_t len,
			const atomic_int *stop);

/* One write pass over the pages of buf in the order given by order[]
 * (page indexes, page size pg; the last page may be short). */
size_t memwork_pass_pages(struct rng *r, unsigned char *buf, size_t len,
			  size_t pg, const size_t *order, size_t npages,
			  const atomic_int *stop);

/* Fill order[] with a uniformly random permutation of 0..n-1. */
void memwork_shuffle(size_t *order, size_t n, uint64_t *sm_state);

#endif
