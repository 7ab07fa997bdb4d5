#include "args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int args_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	/* written plainly: 0600 is not 600 to a shell, so neither is it here */
	if (s[0] == '0' && s[1] != '\0')
		return -1;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int args_parse_size(const char *s, uint64_t *out)
{
	char digits[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (n > 0) {
		switch (s[n - 1]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: break;
		}
	}
	if (shift)
		n--;
	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (args_parse_u64(digits, &v))
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

const char *pattern_name(enum pattern p)
{
	return p == PATTERN_RANDOM ? "random" : "seq";
}

void args_usage(FILE *f)
{
	fputs("Usage: testsuite-mem (--percent P | --size BYTES) [options]\n"
	      "Allocate memory, write pseudo-random values over it, free it.\n"
	      "\n"
	      "  --percent P      use P% (1..100) of MemAvailable\n"
	      "  --size BYTES     use BYTES (suffix K, M, G or T: powers of 1024)\n"
	      "  --times N        write passes per allocation (default 1)\n"
	      "  --repeat R       allocate/write/free cycles (default 1)\n"
	      "  --calc           run the calculation thread meanwhile\n"
	      "  --seed S         seed of the values and page order (default 1)\n"
	      "  --pattern seq|random  page order of each pass (default seq)\n"
	      "  --timeline       record the wall time of every pass\n"
	      "  --format text|kv output format (default text)\n"
	      "  --help           this text\n"
	      "Exit status: 0 done, 2 bad input or allocation failure,\n"
	      "130/143 stopped by SIGINT/SIGTERM.\n", f);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

enum opt_id {
	OPT_PERCENT, OPT_SIZE, OPT_TIMES, OPT_REPEAT, OPT_CALC, OPT_SEED,
	OPT_PATTERN, OPT_TIMELINE, OPT_FORMAT, OPT_HELP
};

static const struct {
	const char *name;
	enum opt_id id;
	bool has_arg;
} options[] = {
	{ "percent", OPT_PERCENT, true },
	{ "size", OPT_SIZE, true },
	{ "times", OPT_TIMES, true },
	{ "repeat", OPT_REPEAT, true },
	{ "calc", OPT_CALC, false },
	{ "seed", OPT_SEED, true },
	{ "pattern", OPT_PATTERN, true },
	{ "timeline", OPT_TIMELINE, false },
	{ "format", OPT_FORMAT, true },
	{ "help", OPT_HELP, false },
};

/* Range-checked unsigned option value. */
static int parse_ranged(const char *name, const char *val, uint64_t lo,
			uint64_t hi, unsigned *out, char *err, size_t errlen)
{
	uint64_t v;

	if (args_parse_u64(val, &v)) {
		set_err(err, errlen, "--%s: '%s' is not a number in %llu..%llu (digits, no leading zero)",
			name, val, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	if (v < lo || v > hi) {
		set_err(err, errlen, "--%s: %s is out of range %llu..%llu",
			name, val, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int apply(enum opt_id id, const char *name, const char *val,
		 struct opts *o, char *err, size_t errlen)
{
	switch (id) {
	case OPT_PERCENT:
		return parse_ranged(name, val, 1, 100, &o->percent, err, errlen);
	case OPT_SIZE:
		if (args_parse_size(val, &o->size)) {
			set_err(err, errlen,
				"--size: '%s' is not a byte count (digits, no leading zero, with optional K/M/G/T, at most 2^64-1)",
				val);
			return -1;
		}
		if (o->size == 0) {
			set_err(err, errlen, "--size: must be at least 1 byte");
			return -1;
		}
		return 0;
	case OPT_TIMES:
		return parse_ranged(name, val, 1, ARGS_MAX_TIMES, &o->times, err, errlen);
	case OPT_REPEAT:
		return parse_ranged(name, val, 1, ARGS_MAX_REPEAT, &o->repeat, err, errlen);
	case OPT_SEED:
		if (args_parse_u64(val, &o->seed)) {
			set_err(err, errlen, "--seed: '%s' is not a number in 0..18446744073709551615", val);
			return -1;
		}
		return 0;
	case OPT_PATTERN:
		if (strcmp(val, "seq") == 0) {
			o->pattern = PATTERN_SEQ;
		} else if (strcmp(val, "random") == 0) {
			o->pattern = PATTERN_RANDOM;
		} else {
			set_err(err, errlen, "--pattern: '%s' is not seq or random", val);
			return -1;
		}
		return 0;
	case OPT_FORMAT:
		if (strcmp(val, "text") == 0) {
			o->format = FORMAT_TEXT;
		} else if (strcmp(val, "kv") == 0) {
			o->format = FORMAT_KV;
		} else {
			set_err(err, errlen, "--format: '%s' is not text or kv", val);
			return -1;
		}
		return 0;
	case OPT_CALC:
		o->calc = true;
		return 0;
	case OPT_TIMELINE:
		o->timeline = true;
		return 0;
	case OPT_HELP:
		return 0;
	}
	return -1;
}

enum args_result args_parse(int argc, char *const argv[], struct opts *o,
			    char *err, size_t errlen)
{
	bool seen_percent = false, seen_size = false;
	bool seen[sizeof(options) / sizeof(options[0])] = { false };

	*o = (struct opts){ .times = 1, .repeat = 1, .seed = ARGS_DEFAULT_SEED,
			    .pattern = PATTERN_SEQ, .format = FORMAT_TEXT };
	err[0] = '\0';

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = NULL;
		size_t namelen;
		size_t k;

		if (strcmp(arg, "-h") == 0)
			return ARGS_HELP;
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			set_err(err, errlen, "unexpected argument '%s' (see --help)", arg);
			return ARGS_ERROR;
		}
		arg += 2;
		namelen = strcspn(arg, "=");
		for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (strlen(options[k].name) == namelen &&
			    strncmp(options[k].name, arg, namelen) == 0)
				break;
		if (k == sizeof(options) / sizeof(options[0])) {
			set_err(err, errlen, "unknown option '%s' (see --help)", argv[i]);
			return ARGS_ERROR;
		}
		if (arg[namelen] == '=') {
			if (!options[k].has_arg) {
				set_err(err, errlen, "--%s takes no value", options[k].name);
				return ARGS_ERROR;
			}
			val = arg + namelen + 1;
		} else if (options[k].has_arg) {
			if (i + 1 >= argc) {
				set_err(err, errlen, "--%s needs a value", options[k].name);
				return ARGS_ERROR;
			}
			val = argv[++i];
		}
		if (options[k].id == OPT_HELP)
			return ARGS_HELP;
		if (seen[k]) {
			set_err(err, errlen, "--%s given twice (each option once)", options[k].name);
			return ARGS_ERROR;
		}
		seen[k] = true;
		if (apply(options[k].id, options[k].name, val, o, err, errlen))
			return ARGS_ERROR;
		if (options[k].id == OPT_PERCENT)
			seen_percent = true;
		if (options[k].id == OPT_SIZE)
			seen_size = true;
	}

	if (seen_percent && seen_size) {
		set_err(err, errlen, "--percent and --size are mutually exclusive");
		return ARGS_ERROR;
	}
	if (!seen_percent && !seen_size) {
		set_err(err, errlen, "one of --percent or --size is required (see --help)");
		return ARGS_ERROR;
	}
	if (o->timeline && (uint64_t)o->times * o->repeat > ARGS_MAX_TIMELINE) {
		set_err(err, errlen, "--timeline records at most %u passes (--times x --repeat)",
			ARGS_MAX_TIMELINE);
		return ARGS_ERROR;
	}
	return ARGS_OK;
}
