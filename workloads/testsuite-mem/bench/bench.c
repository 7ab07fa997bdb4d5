/* Benchmark (not a test): the write pass of testsuite-mem against memset
 * on the same pre-faulted buffer, and the calculation rate alone and with
 * the memory thread running.  Usage: tsm-bench [MiB [rounds]] */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "calc.h"
#include "memwork.h"
#include "rng.h"
#include "run.h"

#define MAX_ROUNDS 99

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double best(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* Calculation units per second while work() runs for about secs seconds. */
static double calc_rate(double secs, unsigned char *buf, size_t len)
{
	atomic_int stop = 0, go = 0;
	struct calc c = { .stop = &stop };
	struct rng r;
	pthread_t tid;
	uint64_t t0, until;

	rng_seed(&r, 1);
	t0 = run_now_ns();
	until = t0 + (uint64_t)(secs * 1e9);
	if (pthread_create(&tid, NULL, calc_thread, &c))
		return 0;
	while (run_now_ns() < until) {
		if (buf)
			memwork_pass_seq(&r, buf, len, &go);
		else
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	atomic_store(&stop, 1);
	pthread_join(tid, NULL);
	return (double)c.count * 1e9 / (double)(run_now_ns() - t0);
}

int main(int argc, char *argv[])
{
	uint64_t mib = 256, rounds = 7;
	size_t len;
	unsigned char *buf;
	double fill[MAX_ROUNDS], set[MAX_ROUNDS];
	atomic_int go = 0;
	struct rng r;
	struct run_result res;
	struct opts o;
	double alone, busy;

	if ((argc > 1 && (args_parse_u64(argv[1], &mib) || mib == 0 || mib > 65536)) ||
	    (argc > 2 && (args_parse_u64(argv[2], &rounds) || rounds == 0 || rounds > MAX_ROUNDS)) ||
	    argc > 3) {
		fprintf(stderr, "usage: tsm-bench [MiB (1..65536) [rounds (1..%d)]]\n", MAX_ROUNDS);
		return 2;
	}
	len = (size_t)mib << 20;
	buf = memwork_alloc(len);
	if (!buf) {
		fprintf(stderr, "tsm-bench: cannot allocate %llu MiB\n", (unsigned long long)mib);
		return 2;
	}
	memset(buf, 1, len); /* pre-fault: time the writes, not the faults */
	rng_seed(&r, 1);

	/* Alternate the order so neither side always runs on a warm cache. */
	for (int i = 0; i < (int)rounds; i++) {
		for (int k = 0; k < 2; k++) {
			uint64_t t0 = run_now_ns(), ns;

			if ((k ^ i) & 1)
				memset(buf, 0xa5, len);
			else
				memwork_pass_seq(&r, buf, len, &go);
			ns = run_now_ns() - t0;
			*(((k ^ i) & 1) ? &set[i] : &fill[i]) = (double)len / (double)ns;
		}
	}

	printf("buffer: %llu MiB, %llu rounds, pre-faulted\n",
	       (unsigned long long)mib, (unsigned long long)rounds);
	printf("fill (testsuite-mem write pass): best %.2f GB/s, median %.2f GB/s\n",
	       best(fill, (int)rounds), median(fill, (int)rounds));
	printf("memset (0xa5):                    best %.2f GB/s, median %.2f GB/s\n",
	       best(set, (int)rounds), median(set, (int)rounds));
	printf("fill/memset ratio: best %.3f, median %.3f (goal >= 0.90)\n",
	       best(fill, (int)rounds) / best(set, (int)rounds),
	       median(fill, (int)rounds) / median(set, (int)rounds));

	alone = calc_rate(1.0, NULL, 0);
	busy = calc_rate(1.0, buf, len);
	printf("calc rate alone:                        %.0f units/s\n", alone);
	printf("calc rate with write passes (same buf): %.0f units/s (%.1f%% of alone)\n",
	       busy, alone > 0 ? 100 * busy / alone : 0);
	memwork_free(buf, len);

	/* The real workload: fresh allocation, page faults included. */
	o = (struct opts){ .size = len, .times = 4, .repeat = 1, .calc = true, .seed = 1 };
	if (run_workload(&o, len, (size_t)sysconf(_SC_PAGESIZE), &go, &res) == 0)
		printf("calc rate in a testsuite-mem run (%llu MiB x 4, faults included): %.0f units/s, %.0f ms\n",
		       (unsigned long long)mib, (double)res.calc_count * 1e9 / (double)res.elapsed_ns,
		       (double)res.elapsed_ns / 1e6);
	run_result_free(&res);
	return 0;
}
