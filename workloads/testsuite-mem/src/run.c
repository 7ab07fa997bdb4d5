#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "calc.h"
#include "memwork.h"
#include "rng.h"

/* Separates the page-order stream from the value stream of the same seed. */
#define ORDER_SEED_SALT 0xd1b54a32d192ed03ULL

struct mem_job {
	const struct opts *o;
	size_t size;
	size_t page;
	const atomic_int *stop;
	uint64_t t0;
	struct run_result *res;
};

/* A clock's reading in ns; 0 if the clock cannot be read. */
static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t run_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t run_thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static void fail(struct run_result *res, int err, const char *what)
{
	res->error_errno = err ? err : EINVAL;
	res->error_what = what;
}

/* The calculation thread, and the CPU time it used: the share of the CPU it got, which is
 * what async page faults should raise (the memory thread waits less on the CPU). */
struct calc_job {
	struct calc calc;
	uint64_t cpu_ns;
};

static void *calc_main(void *arg)
{
	struct calc_job *c = arg;

	calc_thread(&c->calc);
	c->cpu_ns = run_thread_cpu_ns();
	return NULL;
}

static void *mem_thread(void *arg)
{
	struct mem_job *j = arg;
	const struct opts *o = j->o;
	struct run_result *res = j->res;
	size_t npages = j->size / j->page + (j->size % j->page != 0);
	size_t *order = NULL;
	uint64_t order_state = o->seed ^ ORDER_SEED_SALT;
	struct rng r;

	rng_seed(&r, o->seed);
	if (o->pattern == PATTERN_RANDOM) {
		order = malloc(npages * sizeof(*order));
		if (!order) {
			fail(res, errno, "cannot allocate the page-order table");
			return NULL;
		}
	}

	for (unsigned rep = 0; rep < o->repeat; rep++) {
		unsigned char *buf;
		int complete = 1;

		if (atomic_load(j->stop))
			break;
		buf = memwork_alloc(j->size);
		if (!buf) {
			fail(res, errno, "cannot allocate the buffer (mmap)");
			break;
		}
		for (unsigned t = 0; t < o->times && complete; t++) {
			uint64_t start, n;

			if (order)
				memwork_shuffle(order, npages, &order_state);
			start = run_now_ns();
			if (order)
				n = memwork_pass_pages(&r, buf, j->size, j->page,
						       order, npages, j->stop);
			else
				n = memwork_pass_seq(&r, buf, j->size, j->stop);
			res->bytes_written += n;
			complete = n == j->size;
			if (complete) {
				if (res->timeline)
					res->timeline[res->passes] = (struct timeline_entry){
						start - j->t0, run_now_ns() - start };
				res->passes++;
			}
		}
		memwork_free(buf, j->size);
		if (!complete)
			break;
	}
	free(order);
	res->mem_cpu_ns = run_thread_cpu_ns();
	return NULL;
}

int run_workload(const struct opts *o, size_t size, size_t page,
		 const atomic_int *stop, struct run_result *res)
{
	atomic_int calc_stop = 0;
	struct calc_job calc = { .calc = { .stop = &calc_stop } };
	struct mem_job job = { .o = o, .size = size, .page = page, .stop = stop, .res = res };
	pthread_t mem_tid, calc_tid;
	int err;

	*res = (struct run_result){ 0 };
	if (o->timeline) {
		res->timeline = calloc((size_t)o->times * o->repeat, sizeof(*res->timeline));
		if (!res->timeline) {
			fail(res, errno, "cannot allocate the timeline");
			return -1;
		}
	}

	job.t0 = run_now_ns();
	if (o->calc) {
		err = pthread_create(&calc_tid, NULL, calc_main, &calc);
		if (err) {
			fail(res, err, "cannot start the calculation thread");
			return -1;
		}
	}
	err = pthread_create(&mem_tid, NULL, mem_thread, &job);
	if (err) {
		fail(res, err, "cannot start the memory thread");
	} else {
		pthread_join(mem_tid, NULL);
	}
	res->elapsed_ns = run_now_ns() - job.t0;
	if (o->calc) {
		atomic_store(&calc_stop, 1);
		pthread_join(calc_tid, NULL);
		res->calc_count = calc.calc.count;
		res->calc_cpu_ns = calc.cpu_ns;
	}
	return res->error_errno ? -1 : 0;
}

void run_result_free(struct run_result *res)
{
	free(res->timeline);
	res->timeline = NULL;
}
