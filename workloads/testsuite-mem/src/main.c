#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "meminfo.h"
#include "report.h"
#include "run.h"

static atomic_int stop_flag;
static atomic_int stop_signal;

static void on_signal(int sig)
{
	atomic_store(&stop_signal, sig);
	atomic_store(&stop_flag, 1);
}

static int input_error(const char *msg)
{
	fprintf(stderr, "testsuite-mem: %s\n", msg);
	return 2;
}

int main(int argc, char *argv[])
{
	struct opts o;
	struct meminfo mi;
	struct run_result res;
	struct sigaction sa;
	char err[256];
	uint64_t size, total;
	long page;
	int sig;

	switch (args_parse(argc, argv, &o, err, sizeof(err))) {
	case ARGS_HELP:
		args_usage(stdout);
		return 0;
	case ARGS_ERROR:
		return input_error(err);
	case ARGS_OK:
		break;
	}

	if (meminfo_read(&mi))
		return input_error("cannot read MemTotal/MemAvailable from /proc/meminfo");
	size = o.percent ? meminfo_share(mi.available_bytes, o.percent) : o.size;
	if (size == 0)
		return input_error("--percent: the share of MemAvailable is 0 bytes");
	if (size > mi.total_bytes) {
		snprintf(err, sizeof(err), "--size: %llu bytes is more than MemTotal (%llu bytes)",
			 (unsigned long long)size, (unsigned long long)mi.total_bytes);
		return input_error(err);
	}
	if (size > SIZE_MAX ||
	    __builtin_mul_overflow(size, (uint64_t)o.times * o.repeat, &total))
		return input_error("--size x --times x --repeat does not fit in 64 bits");
	page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		page = 4096;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second signal kills at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (run_workload(&o, (size_t)size, (size_t)page, &stop_flag, &res)) {
		snprintf(err, sizeof(err), "%s: %llu bytes: %s", res.error_what,
			 (unsigned long long)size, strerror(res.error_errno));
		run_result_free(&res);
		return input_error(err);
	}

	sig = atomic_load(&stop_signal);
	report_print(stdout, &(struct report){ .o = &o, .mi = &mi, .res = &res,
		.buffer_bytes = size, .page_bytes = (uint64_t)page, .interrupted = sig != 0 });
	run_result_free(&res);
	if (fflush(stdout) != 0)
		return 1;
	return sig ? 128 + sig : 0;
}
