/* Result output: human text or key=value lines. */
#ifndef TSM_REPORT_H
#define TSM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "meminfo.h"
#include "run.h"

struct report {
	const struct opts *o;
	const struct meminfo *mi;
	const struct run_result *res;
	uint64_t buffer_bytes;
	uint64_t page_bytes;
	bool interrupted;
};

/* Units per second over the elapsed time, rounded; 0 when nothing ran. */
uint64_t report_calc_rate(uint64_t count, uint64_t elapsed_ns);

void report_print(FILE *f, const struct report *rep);

#endif
