/* One workload run: the memory thread, the optional calculation thread,
 * and the clock around them. */
#ifndef TSM_RUN_H
#define TSM_RUN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"

struct timeline_entry {
	uint64_t start_ns;  /* since the workload started */
	uint64_t pass_ns;
};

struct run_result {
	uint64_t elapsed_ns;
	uint64_t bytes_written;
	uint64_t passes;             /* completed write passes */
	uint64_t calc_count;
	uint64_t mem_cpu_ns;         /* CPU time the memory thread used */
	uint64_t calc_cpu_ns;        /* and the calculation thread (0 without --calc) */
	struct timeline_entry *timeline;  /* passes entries; NULL without --timeline */
	int error_errno;             /* non-zero: the run failed, see error_what */
	const char *error_what;
};

/* Run the workload on a buffer of size bytes.  stop becomes non-zero
 * (from a signal handler) to end it early.  Returns 0, or -1 with
 * error_errno/error_what set.  Release with run_result_free. */
int run_workload(const struct opts *o, size_t size, size_t page,
		 const atomic_int *stop, struct run_result *res);
void run_result_free(struct run_result *res);

uint64_t run_now_ns(void);

/* CPU time the calling thread has used, in ns. */
uint64_t run_thread_cpu_ns(void);

#endif
