/* Command-line options of testsuite-mem. */
#ifndef TSM_ARGS_H
#define TSM_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARGS_MAX_TIMES 1000000u
#define ARGS_MAX_REPEAT 1000000u
#define ARGS_MAX_TIMELINE 1000000u
#define ARGS_DEFAULT_SEED 1u

enum pattern { PATTERN_SEQ, PATTERN_RANDOM };
enum format { FORMAT_TEXT, FORMAT_KV };

struct opts {
	unsigned percent;   /* 0 when --size was given */
	uint64_t size;      /* 0 when --percent was given */
	unsigned times;
	unsigned repeat;
	bool calc;
	bool timeline;
	uint64_t seed;
	enum pattern pattern;
	enum format format;
};

enum args_result { ARGS_OK, ARGS_HELP, ARGS_ERROR };

/* Parse argv[1..argc-1].  On ARGS_ERROR a one-line message (no trailing
 * newline, no program name) is left in err. */
enum args_result args_parse(int argc, char *const argv[], struct opts *o,
			    char *err, size_t errlen);

/* Strict parsers shared with the tests: digits only, no sign, no spaces,
 * no trailing characters, overflow rejected.  Return 0 on success. */
int args_parse_u64(const char *s, uint64_t *out);
/* Like args_parse_u64 with an optional K, M, G or T suffix (any case,
 * powers of 1024). */
int args_parse_size(const char *s, uint64_t *out);

const char *pattern_name(enum pattern p);
void args_usage(FILE *f);

#endif
