/* Unit tests of the option parser, meminfo parser, value generator and
 * write passes.  Prints TAP; exit status 1 when any test failed. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "calc.h"
#include "meminfo.h"
#include "memwork.h"
#include "report.h"
#include "rng.h"

static int test_no, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		failed++;
}

/* Parse a NULL-terminated list of arguments. */
static enum args_result parse(struct opts *o, char *err, ...)
{
	char *argv[32] = { "testsuite-mem" };
	int argc = 1;
	va_list ap;
	char *a;

	va_start(ap, err);
	while ((a = va_arg(ap, char *)) != NULL && argc < 31)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return args_parse(argc, argv, o, err, 256);
}

#define BAD(name, ...) do { \
	struct opts o_; char e_[256]; \
	enum args_result r_ = parse(&o_, e_, __VA_ARGS__, (char *)NULL); \
	ok(r_ == ARGS_ERROR && e_[0] != '\0' && strchr(e_, '\n') == NULL, \
	   "rejects %s (%s)", name, e_); \
} while (0)

static void test_args_good(void)
{
	struct opts o;
	char e[256];

	ok(parse(&o, e, "--percent", "5", (char *)NULL) == ARGS_OK && o.percent == 5 &&
	   o.size == 0 && o.times == 1 && o.repeat == 1 && !o.calc && !o.timeline &&
	   o.seed == ARGS_DEFAULT_SEED && o.pattern == PATTERN_SEQ && o.format == FORMAT_TEXT,
	   "--percent 5 with defaults");
	ok(parse(&o, e, "--percent=100", "--times", "3", "--repeat=2", "--calc", "--seed", "42",
		 "--pattern", "random", "--timeline", "--format=kv", (char *)NULL) == ARGS_OK &&
	   o.percent == 100 && o.times == 3 && o.repeat == 2 && o.calc && o.seed == 42 &&
	   o.pattern == PATTERN_RANDOM && o.timeline && o.format == FORMAT_KV,
	   "every option, both --opt VAL and --opt=VAL");
	ok(parse(&o, e, "--percent", "1", (char *)NULL) == ARGS_OK && o.percent == 1, "--percent 1");
	ok(parse(&o, e, "--size", "8M", (char *)NULL) == ARGS_OK && o.size == 8u << 20, "--size 8M");
	ok(parse(&o, e, "--size=4096", (char *)NULL) == ARGS_OK && o.size == 4096, "--size=4096");
	ok(parse(&o, e, "--size", "1k", (char *)NULL) == ARGS_OK && o.size == 1024, "--size 1k");
	ok(parse(&o, e, "--size", "3K", (char *)NULL) == ARGS_OK && o.size == 3072, "--size 3K");
	ok(parse(&o, e, "--size", "2G", (char *)NULL) == ARGS_OK && o.size == 2ull << 30, "--size 2G");
	ok(parse(&o, e, "--size", "2g", (char *)NULL) == ARGS_OK && o.size == 2ull << 30, "--size 2g");
	ok(parse(&o, e, "--size", "1T", (char *)NULL) == ARGS_OK && o.size == 1ull << 40, "--size 1T");
	ok(parse(&o, e, "--size", "1", (char *)NULL) == ARGS_OK && o.size == 1, "--size 1");
	ok(parse(&o, e, "--size", "1M", "--times", "1000000", "--repeat", "1000000",
		 (char *)NULL) == ARGS_OK && o.times == 1000000 && o.repeat == 1000000,
	   "--times and --repeat at their maximum");
	ok(parse(&o, e, "--size", "1M", "--seed", "0", (char *)NULL) == ARGS_OK && o.seed == 0, "--seed 0");
	ok(parse(&o, e, "--size", "1M", "--seed", "18446744073709551615", (char *)NULL) == ARGS_OK &&
	   o.seed == UINT64_MAX, "--seed 2^64-1");
	ok(parse(&o, e, "--percent", "5", "--percent", "7", (char *)NULL) == ARGS_ERROR &&
	   strstr(e, "--percent given twice") != NULL, "a repeated option is an error, not the last one winning");
	ok(parse(&o, e, "--percent", "5", "--pattern", "seq", "--format", "text", (char *)NULL) == ARGS_OK &&
	   o.pattern == PATTERN_SEQ && o.format == FORMAT_TEXT, "--pattern seq --format text");
	ok(parse(&o, e, "--help", (char *)NULL) == ARGS_HELP, "--help");
	ok(parse(&o, e, "-h", (char *)NULL) == ARGS_HELP, "-h");
	ok(parse(&o, e, "--percent", "5", "--help", (char *)NULL) == ARGS_HELP, "--help after options");
	ok(parse(&o, e, "--size", "1M", "--timeline", "--times", "1000", "--repeat", "1000",
		 (char *)NULL) == ARGS_OK, "--timeline with 10^6 passes");
}

static void test_args_bad(void)
{
	BAD("no size", "--calc");
	BAD("nothing at all", "--times", "2");
	BAD("--percent 0", "--percent", "0");
	BAD("--percent 101", "--percent", "101");
	BAD("--percent 150", "--percent", "150");
	BAD("--percent -5", "--percent", "-5");
	BAD("--percent +5", "--percent", "+5");
	BAD("--percent ' 5'", "--percent", " 5");
	BAD("--percent abc", "--percent", "abc");
	BAD("--percent 5x (trailing garbage)", "--percent", "5x");
	BAD("--percent 5.0", "--percent", "5.0");
	BAD("--percent empty", "--percent", "");
	BAD("--percent= empty", "--percent=");
	BAD("--percent overflow", "--percent", "99999999999999999999999");
	BAD("--percent 2^32+5 (no wrap)", "--percent", "4294967301");
	BAD("--percent missing value", "--percent");
	BAD("--times -1", "--percent", "5", "--times", "-1");
	BAD("--times 0", "--percent", "5", "--times", "0");
	BAD("--times abc", "--percent", "5", "--times", "abc");
	BAD("--times 2x", "--percent", "5", "--times", "2x");
	BAD("--times overflow", "--percent", "5", "--times", "18446744073709551616");
	BAD("--times above maximum", "--percent", "5", "--times", "1000001");
	BAD("--times missing value", "--percent", "5", "--times");
	BAD("--repeat 0", "--percent", "5", "--repeat", "0");
	BAD("--repeat -1", "--percent", "5", "--repeat", "-1");
	BAD("--repeat missing value", "--percent", "5", "--repeat");
	BAD("--size 0", "--size", "0");
	BAD("--size 0K", "--size", "0K");
	BAD("--size 10Q", "--size", "10Q");
	BAD("--size 1.5G", "--size", "1.5G");
	BAD("--size G", "--size", "G");
	BAD("--size -1M", "--size", "-1M");
	BAD("--size 8MB", "--size", "8MB");
	BAD("--size overflow", "--size", "99999999999999999999");
	BAD("--size suffix overflow", "--size", "17179869184G");
	BAD("--size missing value", "--size");
	BAD("--percent with --size", "--percent", "5", "--size", "1M");
	BAD("--seed x", "--size", "1M", "--seed", "x");
	BAD("--seed -1", "--size", "1M", "--seed", "-1");
	BAD("--seed overflow", "--size", "1M", "--seed", "18446744073709551616");
	BAD("--seed missing value", "--size", "1M", "--seed");
	BAD("--pattern foo", "--size", "1M", "--pattern", "foo");
	BAD("--pattern missing value", "--size", "1M", "--pattern");
	BAD("--format json", "--size", "1M", "--format", "json");
	BAD("--format missing value", "--size", "1M", "--format");
	BAD("unknown option", "--size", "1M", "--bogus");
	BAD("unknown option with value", "--size", "1M", "--bogus=1");
	BAD("prefix of an option", "--size", "1M", "--cal");
	BAD("short option", "--size", "1M", "-c");
	BAD("positional argument", "--size", "1M", "extra");
	BAD("bare --", "--size", "1M", "--");
	BAD("--calc=1 (flag with value)", "--size", "1M", "--calc=1");
	BAD("--timeline beyond 10^6 passes", "--size", "1M", "--timeline", "--times", "1001", "--repeat", "1000");
}

static void test_number_parsers(void)
{
	uint64_t v;

	ok(args_parse_u64("0", &v) == 0 && v == 0, "u64: 0");
	ok(args_parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX, "u64: 2^64-1");
	ok(args_parse_u64("18446744073709551616", &v) != 0, "u64: 2^64 overflows");
	ok(args_parse_u64("0x10", &v) != 0, "u64: no hex");
	ok(args_parse_u64("0600", &v) != 0, "u64: no leading zero (a shell would read 0600 as octal)");
	ok(args_parse_u64("00", &v) != 0, "u64: 00 is not 0");
	ok(args_parse_u64("1 ", &v) != 0, "u64: no trailing space");
	ok(args_parse_size("17179869183G", &v) == 0 && v == 17179869183ull << 30, "size: largest G");
	ok(args_parse_size("16777216T", &v) != 0, "size: 2^64 in T overflows");
	ok(args_parse_size("", &v) != 0, "size: empty");
}

static void test_meminfo(void)
{
	struct meminfo mi;
	const char *text = "MemTotal:       25276510208 kB\nMemFree:   100 kB\n"
			   "MemAvailable:    2048 kB\nBuffers: 1 kB\n";

	ok(meminfo_parse(text, &mi) == 0 && mi.total_bytes == 25276510208ull * 1024 &&
	   mi.available_bytes == 2048 * 1024, "meminfo: MemTotal and MemAvailable in bytes");
	ok(meminfo_parse("MemTotal: 100 kB\nMemFree: 5 kB\n", &mi) != 0,
	   "meminfo: missing MemAvailable is an error");
	ok(meminfo_parse("MemTotal: x kB\nMemAvailable: 5 kB\n", &mi) != 0,
	   "meminfo: malformed number is an error");
	ok(meminfo_share(1000, 5) == 50 && meminfo_share(199, 50) == 99 &&
	   meminfo_share(UINT64_MAX, 100) == UINT64_MAX && meminfo_share(99, 1) == 0,
	   "meminfo: share is floor(bytes * percent / 100) without overflow");
	ok(meminfo_read(&mi) == 0 && mi.total_bytes > 0 && mi.available_bytes <= mi.total_bytes,
	   "meminfo: /proc/meminfo is readable");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void fill_seeded(uint64_t seed, void *buf, size_t len)
{
	struct rng r;

	rng_seed(&r, seed);
	rng_fill(&r, buf, len);
}

static void test_rng(void)
{
	enum { N = 1 << 18 };
	uint64_t *a = malloc(N * 8), *b = malloc(N * 8);
	unsigned char *x = malloc(4096 + 64), *y = malloc(4096 + 64);
	size_t same = 0, dups = 0;
	unsigned long hist[256] = { 0 };
	int all_covered = 1, guards_ok = 1;
	struct rng r1, r2;

	fill_seeded(7, a, N * 8);
	fill_seeded(7, b, N * 8);
	ok(memcmp(a, b, N * 8) == 0, "rng: same seed, same values");

	{
		/* The value stream is part of the workload's definition: the same
		 * seed must give these words on every architecture. */
		static const uint64_t seed1[4] = {
			0x7274658bcb6f4838ULL, 0xf2642cb6898c087fULL,
			0x4f30a086ec12a674ULL, 0x394db074dabf6e59ULL,
		};
		uint64_t st = 0;

		fill_seeded(1, b, 32);
		ok(memcmp(b, seed1, 32) == 0, "rng: known answer for seed 1");
		ok(splitmix64_next(&st) == 0xe220a8397b1dcdafULL,
		   "splitmix64: known first value for state 0");
	}

	fill_seeded(8, b, N * 8);
	for (size_t i = 0; i < N; i++)
		same += a[i] == b[i];
	ok(same == 0, "rng: seeds 7 and 8 share no word (%zu equal)", same);

	fill_seeded(0, b, N * 8);
	ok(b[0] != 0 && b[1] != 0, "rng: seed 0 works (no all-zero lane)");

	for (size_t i = 0; i < (size_t)N * 8; i++)
		hist[((unsigned char *)a)[i]]++;
	{
		unsigned long lo = ~0ul, hi = 0;

		for (int i = 0; i < 256; i++) {
			lo = hist[i] < lo ? hist[i] : lo;
			hi = hist[i] > hi ? hist[i] : hi;
		}
		ok(lo > N * 8 / 256 * 9 / 10 && hi < N * 8 / 256 * 11 / 10,
		   "rng: byte values evenly spread (min %lu, max %lu of %d)", lo, hi, N * 8 / 256);
	}

	qsort(a, N, 8, cmp_u64);
	for (size_t i = 1; i < N; i++)
		dups += a[i] == a[i - 1];
	ok(dups == 0, "rng: no repeated value in the first %d words (no short cycle)", N);

	/* The stream is made of 64-byte blocks whatever the call sizes. */
	fill_seeded(3, x, 256);
	rng_seed(&r1, 3);
	rng_fill(&r1, y, 64);
	rng_fill(&r1, y + 64, 128);
	rng_fill(&r1, y + 192, 64);
	ok(memcmp(x, y, 256) == 0, "rng: 64+128+64 bytes equal one 256-byte fill");

	fill_seeded(3, y + 1, 256);
	ok(memcmp(x, y + 1, 256) == 0, "rng: unaligned destination gets the same bytes");

	/* Every byte written, nothing beyond: fill a 0x00 and a 0xff buffer
	 * with the same stream; untouched bytes would keep their fill. */
	for (size_t off = 0; off < 16; off++) {
		for (size_t len = 0; len <= 300; len++) {
			memset(x, 0x00, 4096 + 64);
			memset(y, 0xff, 4096 + 64);
			rng_seed(&r1, len);
			rng_seed(&r2, len);
			rng_fill(&r1, x + off, len);
			rng_fill(&r2, y + off, len);
			if (memcmp(x + off, y + off, len) != 0)
				all_covered = 0;
			for (size_t i = 0; i < 4096 + 64; i++)
				if ((i < off || i >= off + len) &&
				    (x[i] != 0x00 || y[i] != 0xff))
					guards_ok = 0;
		}
	}
	ok(all_covered, "rng: every byte written, lengths 0..300 at offsets 0..15");
	ok(guards_ok, "rng: no byte written outside the range");

	ok(splitmix64_below(&(uint64_t){ 5 }, 1) == 0, "splitmix64_below(1) is 0");
	{
		uint64_t st = 9;
		int in_range = 1;

		for (int i = 0; i < 10000; i++)
			if (splitmix64_below(&st, 37) >= 37)
				in_range = 0;
		ok(in_range, "splitmix64_below stays below the bound");
	}
	free(a);
	free(b);
	free(x);
	free(y);
}

static void test_memwork(void)
{
	const size_t pg = 4096, len = 3 * MEMWORK_CHUNK + 4096 * 5 + 123;
	const size_t npages = len / pg + 1;
	unsigned char *x = memwork_alloc(len), *y = memwork_alloc(len);
	size_t *order = malloc(npages * sizeof(*order));
	unsigned char *seen = calloc(npages, 1);
	atomic_int go = 0, stop = 1;
	uint64_t st = 1;
	struct rng r1, r2;
	size_t n1, n2, moved = 0;
	int perm = 1;

	ok(x && y && order && seen, "memwork: buffers allocated");
	if (!(x && y && order && seen))
		return;

	memset(x, 0x00, len);
	memset(y, 0xff, len);
	rng_seed(&r1, 11);
	rng_seed(&r2, 11);
	n1 = memwork_pass_seq(&r1, x, len, &go);
	n2 = memwork_pass_seq(&r2, y, len, &go);
	ok(n1 == len && n2 == len && memcmp(x, y, len) == 0,
	   "memwork: sequential pass writes every byte of %zu", len);

	memwork_shuffle(order, npages, &st);
	for (size_t i = 0; i < npages; i++) {
		if (order[i] >= npages || seen[order[i]])
			perm = 0;
		else
			seen[order[i]] = 1;
		moved += order[i] != i;
	}
	ok(perm, "memwork: shuffle gives a permutation of the pages");
	ok(moved > npages / 2, "memwork: shuffle moves most pages (%zu of %zu)", moved, npages);

	memset(x, 0x00, len);
	memset(y, 0xff, len);
	n1 = memwork_pass_pages(&r1, x, len, pg, order, npages, &go);
	n2 = memwork_pass_pages(&r2, y, len, pg, order, npages, &go);
	ok(n1 == len && n2 == len && memcmp(x, y, len) == 0,
	   "memwork: random-order pass writes every byte, short last page included");

	ok(memwork_pass_seq(&r1, x, len, &stop) == 0 &&
	   memwork_pass_pages(&r1, x, len, pg, order, npages, &stop) == 0,
	   "memwork: a set stop flag ends a pass");

	ok(memwork_alloc((size_t)1 << 62) == NULL, "memwork: an impossible allocation returns NULL");

	memwork_free(x, len);
	memwork_free(y, len);
	free(order);
	free(seen);
}

static void test_calc_report(void)
{
	ok(calc_unit(0) == calc_unit(0) && calc_unit(0) != calc_unit(1),
	   "calc: a unit is deterministic and depends on its input");
	ok(report_calc_rate(100, 1000000000) == 100 && report_calc_rate(3, 2000000000) == 2 &&
	   report_calc_rate(5, 0) == 0 && report_calc_rate(0, 5) == 0,
	   "report: calc_rate is count per second, rounded");
}

int main(void)
{
	test_args_good();
	test_args_bad();
	test_number_parsers();
	test_meminfo();
	test_rng();
	test_memwork();
	test_calc_report();
	printf("1..%d\n", test_no);
	return failed ? 1 : 0;
}
