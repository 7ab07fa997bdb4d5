#include "report.h"

#include <inttypes.h>

uint64_t report_calc_rate(uint64_t count, uint64_t elapsed_ns)
{
	if (elapsed_ns == 0)
		return 0;
	return (uint64_t)((long double)count * 1e9L / (long double)elapsed_ns + 0.5L);
}

static void ms3(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%03" PRIu64, ns / 1000000, ns / 1000 % 1000);
}

static void print_kv(FILE *f, const struct report *rep)
{
	const struct opts *o = rep->o;
	const struct run_result *r = rep->res;

	for (uint64_t i = 0; r->timeline && i < r->passes; i++) {
		fprintf(f, "timeline %" PRIu64 " ", i + 1);
		ms3(f, r->timeline[i].start_ns);
		fputc(' ', f);
		ms3(f, r->timeline[i].pass_ns);
		fputc('\n', f);
	}
	fprintf(f, "status=%s\n", rep->interrupted ? "interrupted" : "complete");
	fprintf(f, "elapsed_ms=%" PRIu64 "\n", r->elapsed_ns / 1000000);
	fprintf(f, "elapsed_us=%" PRIu64 "\n", r->elapsed_ns / 1000);
	fprintf(f, "bytes_written=%" PRIu64 "\n", r->bytes_written);
	fprintf(f, "passes=%" PRIu64 "\n", r->passes);
	fprintf(f, "calc_count=%" PRIu64 "\n", r->calc_count);
	fprintf(f, "calc_rate=%" PRIu64 "\n", report_calc_rate(r->calc_count, r->elapsed_ns));
	fprintf(f, "buffer_bytes=%" PRIu64 "\n", rep->buffer_bytes);
	fprintf(f, "mem_available_bytes=%" PRIu64 "\n", rep->mi->available_bytes);
	fprintf(f, "mem_total_bytes=%" PRIu64 "\n", rep->mi->total_bytes);
	fprintf(f, "percent=%u\n", o->percent);
	fprintf(f, "times=%u\n", o->times);
	fprintf(f, "repeat=%u\n", o->repeat);
	fprintf(f, "calc=%d\n", o->calc ? 1 : 0);
	fprintf(f, "seed=%" PRIu64 "\n", o->seed);
	fprintf(f, "pattern=%s\n", pattern_name(o->pattern));
	fprintf(f, "page_bytes=%" PRIu64 "\n", rep->page_bytes);
	fprintf(f, "mem_cpu_ms=%" PRIu64 "\n", r->mem_cpu_ns / 1000000);
	fprintf(f, "calc_cpu_ms=%" PRIu64 "\n", r->calc_cpu_ns / 1000000);
}

static void print_text(FILE *f, const struct report *rep)
{
	const struct opts *o = rep->o;
	const struct run_result *r = rep->res;
	uint64_t ms = r->elapsed_ns / 1000000;

	fprintf(f, "testsuite-mem: %s\n", rep->interrupted ? "interrupted" : "complete");
	fprintf(f, "  buffer:        %" PRIu64 " bytes", rep->buffer_bytes);
	if (o->percent)
		fprintf(f, " (%u%% of MemAvailable %" PRIu64 " bytes)", o->percent,
			rep->mi->available_bytes);
	fprintf(f, "\n  passes:        %" PRIu64 " of %" PRIu64 " (times %u x repeat %u), pattern %s, seed %" PRIu64 "\n",
		r->passes, (uint64_t)o->times * o->repeat, o->times, o->repeat,
		pattern_name(o->pattern), o->seed);
	fprintf(f, "  bytes written: %" PRIu64 "\n", r->bytes_written);
	fprintf(f, "  elapsed:       %" PRIu64 " ms\n", ms);
	if (o->calc)
		fprintf(f, "  calculation:   %" PRIu64 " units, %" PRIu64 " units/s\n",
			r->calc_count, report_calc_rate(r->calc_count, r->elapsed_ns));
	else
		fprintf(f, "  calculation:   off\n");
	fprintf(f, "  CPU time:      memory thread %" PRIu64 " ms, calculation thread %" PRIu64 " ms\n",
		r->mem_cpu_ns / 1000000, r->calc_cpu_ns / 1000000);
	for (uint64_t i = 0; r->timeline && i < r->passes; i++) {
		fprintf(f, "  pass %" PRIu64 ": start ", i + 1);
		ms3(f, r->timeline[i].start_ns);
		fputs(" ms, took ", f);
		ms3(f, r->timeline[i].pass_ns);
		fputs(" ms\n", f);
	}
}

void report_print(FILE *f, const struct report *rep)
{
	if (rep->o->format == FORMAT_KV)
		print_kv(f, rep);
	else
		print_text(f, rep);
}
