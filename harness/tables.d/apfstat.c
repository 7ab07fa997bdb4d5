/*
 * apfstat: the arithmetic harness/tables needs and awk cannot do accurately:
 * summary statistics of a sample and Welch's t-test with a two-sided p-value
 * from the Student t distribution (regularized incomplete beta function).
 *
 *   apfstat summary X...            n amean hmean stddev coeffvar min max
 *   apfstat welch X... -- Y...      t df p significant (5%, two-sided) [untested=WHY]
 *   apfstat hwelch X... -- Y...     the same on 1/x: the test of the harmonic means
 *   apfstat pvalue T DF             two-sided p of Student's t
 *   apfstat batch                   stdin: ID<TAB>X X X<TAB>Y Y Y[<TAB>h] per line
 *
 * A test is made only where one can be: with at least 2 values on each side and some
 * spread (with none on either side there is no variance to test against: "untested",
 * not p=0), and for harmonic means only on positive values. WHY is n<2, no-spread or
 * nonpositive. The harmonic means are compared on 1/x, the scale on which they are
 * arithmetic means; t keeps the sign of the shown means (positive: X larger).
 *
 * Exit 0, or 2 on bad input (one message on stderr).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA 0.05
#define MAXN 4096

struct summary {
	int n;
	double amean, hmean, stddev, coeffvar, min, max, var;
};

struct welch {
	double t, df, p;
	const char *sig; /* "yes", "no", "untested" */
	const char *why; /* untested: "n<2", "no-spread", "nonpositive" */
};

static int parse_num(const char *s, double *out)
{
	char *end;

	/* decimal only: strtod would also take hex, inf and nan */
	if (*s == '\0' || s[strspn(s, "0123456789.-+eE")] != '\0')
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

static void summarise(const double *x, int n, struct summary *s)
{
	double sum = 0, inv = 0, ss = 0;
	int i, zero = 0, neg = 0;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n == 0) {
		s->amean = s->hmean = s->stddev = s->coeffvar = NAN;
		s->min = s->max = s->var = NAN;
		return;
	}
	s->min = s->max = x[0];
	for (i = 0; i < n; i++) {
		sum += x[i];
		if (x[i] > 0)
			inv += 1 / x[i];
		else if (x[i] == 0)
			zero = 1;
		else
			neg = 1;
		if (x[i] < s->min)
			s->min = x[i];
		if (x[i] > s->max)
			s->max = x[i];
	}
	s->amean = sum / n;
	/* A zero rate pulls the harmonic mean to 0; negative rates have none. */
	s->hmean = neg ? NAN : zero ? 0 : n / inv;
	for (i = 0; i < n; i++)
		ss += (x[i] - s->amean) * (x[i] - s->amean);
	s->var = n > 1 ? ss / (n - 1) : NAN;
	s->stddev = n > 1 ? sqrt(s->var) : NAN;
	s->coeffvar = (n > 1 && s->amean != 0) ?
		      100 * s->stddev / fabs(s->amean) : NAN;
}

/* Continued fraction of the incomplete beta function, modified Lentz. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, num, del;
	int m;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 1000; m++) {
		num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x /
		      ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + num * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

static double inc_beta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) +
		    a * log(x) + b * log1p(-x));
	/* The fraction converges fast only on this side of the mean. */
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* Two-sided p-value of Student's t with df degrees of freedom. */
static double t_pvalue(double t, double df)
{
	if (isinf(t))
		return 0;
	return inc_beta(df / 2, 0.5, df / (df + t * t));
}

static void welch_test(const struct summary *a, const struct summary *b,
		       struct welch *w)
{
	double va, vb, se2;

	w->t = w->df = w->p = NAN;
	w->sig = "untested";
	w->why = NULL;
	if (a->n < 2 || b->n < 2) {
		w->why = "n<2";
		return;
	}
	va = a->var / a->n;
	vb = b->var / b->n;
	se2 = va + vb;
	if (se2 == 0) {
		/* No spread on either side: nothing to weigh the difference against. */
		w->why = "no-spread";
		return;
	}
	w->t = (a->amean - b->amean) / sqrt(se2);
	w->df = se2 * se2 / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
	w->p = t_pvalue(w->t, w->df);
	w->sig = w->p < ALPHA ? "yes" : "no";
}

/* 1/x of each value into r; -1 when a value is not positive. */
static int reciprocals(const double *x, int n, double *r)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return -1;
		r[i] = 1 / x[i];
	}
	return 0;
}

/*
 * Welch's test of the samples' arithmetic means or (harmonic) of their harmonic means:
 * the harmonic mean is the reciprocal of the arithmetic mean of 1/x, so those are tested.
 */
static void compare(const double *xa, int na, const double *xb, int nb,
		    int harmonic, struct welch *w)
{
	static double ra[MAXN], rb[MAXN];
	struct summary a, b;

	if (!harmonic) {
		summarise(xa, na, &a);
		summarise(xb, nb, &b);
		welch_test(&a, &b, w);
		return;
	}
	if (reciprocals(xa, na, ra) || reciprocals(xb, nb, rb)) {
		w->t = w->df = w->p = NAN;
		w->sig = "untested";
		w->why = na < 2 || nb < 2 ? "n<2" : "nonpositive";
		return;
	}
	summarise(ra, na, &a);
	summarise(rb, nb, &b);
	welch_test(&a, &b, w);
	/* a larger 1/x is a smaller rate: the sign of the shown means */
	w->t = -w->t;
}

static void put(double v, const char *sep)
{
	if (isnan(v))
		printf("-%s", sep);
	else if (isinf(v))
		printf("%s%s", v < 0 ? "-inf" : "inf", sep);
	else
		printf("%.15g%s", v, sep);
}

static int read_args(char **argv, int argc, double *x, const char *what)
{
	int i;

	if (argc > MAXN) {
		fprintf(stderr, "apfstat: more than %d values\n", MAXN);
		exit(2);
	}
	for (i = 0; i < argc; i++) {
		if (parse_num(argv[i], &x[i])) {
			fprintf(stderr, "apfstat: %s: not a number: '%s'\n",
				what, argv[i]);
			exit(2);
		}
	}
	return argc;
}

static void print_summary(const struct summary *s)
{
	printf("n=%d amean=", s->n);
	put(s->amean, " hmean=");
	put(s->hmean, " stddev=");
	put(s->stddev, " coeffvar=");
	put(s->coeffvar, " min=");
	put(s->min, " max=");
	put(s->max, "\n");
}

static void put_side(const struct summary *s)
{
	printf("%d\t", s->n);
	put(s->amean, "\t");
	put(s->hmean, "\t");
	put(s->stddev, "\t");
	put(s->coeffvar, "\t");
	put(s->min, "\t");
	put(s->max, "\t");
}

/* Split a space-separated field in place; returns the count or -1. */
static int split_values(char *field, double *x)
{
	char *tok, *save;
	int n = 0;

	for (tok = strtok_r(field, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (n == MAXN || parse_num(tok, &x[n]))
			return -1;
		n++;
	}
	return n;
}

static int batch(void)
{
	static double xa[MAXN], xb[MAXN];
	char line[1 << 16], *id, *fa, *fb, *fh, *nl;
	struct summary a, b;
	struct welch w;
	long lineno = 0;
	int na, nb, harmonic;

	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		nl = strchr(line, '\n');
		if (!nl) {
			fprintf(stderr, "apfstat: stdin:%ld: line too long\n",
				lineno);
			return 2;
		}
		*nl = '\0';
		id = line;
		fa = strchr(id, '\t');
		fb = fa ? strchr(fa + 1, '\t') : NULL;
		if (!fb) {
			fprintf(stderr, "apfstat: stdin:%ld: want ID<TAB>X...<TAB>Y...\n",
				lineno);
			return 2;
		}
		*fa++ = '\0';
		*fb++ = '\0';
		harmonic = 0;
		fh = strchr(fb, '\t');
		if (fh) {
			*fh++ = '\0';
			if (strcmp(fh, "h")) {
				fprintf(stderr, "apfstat: stdin:%ld: the 4th field is h or nothing\n",
					lineno);
				return 2;
			}
			harmonic = 1;
		}
		na = split_values(fa, xa);
		nb = split_values(fb, xb);
		if (na < 0 || nb < 0) {
			fprintf(stderr, "apfstat: stdin:%ld: bad number\n",
				lineno);
			return 2;
		}
		summarise(xa, na, &a);
		summarise(xb, nb, &b);
		compare(xa, na, xb, nb, harmonic, &w);
		printf("%s\t", id);
		put_side(&a);
		put_side(&b);
		put(w.t, "\t");
		put(w.df, "\t");
		put(w.p, "\t");
		printf("%s\t%s\n", w.sig, w.why ? w.why : "-");
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"apfstat: usage: apfstat summary X... | welch X... -- Y... | hwelch X... -- Y... | pvalue T DF | batch (stdin: ID<TAB>X X<TAB>Y Y[<TAB>h])\n");
	return 2;
}

int main(int argc, char **argv)
{
	static double xa[MAXN], xb[MAXN];
	struct summary a;
	struct welch w;
	double t, df;
	int i, na, nb, harmonic;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "batch") && argc == 2)
		return batch();
	if (!strcmp(argv[1], "summary") && argc > 2) {
		na = read_args(argv + 2, argc - 2, xa, "summary");
		summarise(xa, na, &a);
		print_summary(&a);
		return 0;
	}
	if (!strcmp(argv[1], "pvalue") && argc == 4) {
		if (parse_num(argv[2], &t) || parse_num(argv[3], &df) ||
		    df <= 0) {
			fprintf(stderr, "apfstat: pvalue: want T and DF > 0\n");
			return 2;
		}
		printf("p=%.15g\n", t_pvalue(t, df));
		return 0;
	}
	if (!strcmp(argv[1], "welch") || !strcmp(argv[1], "hwelch")) {
		harmonic = argv[1][0] == 'h';
		for (i = 2; i < argc && strcmp(argv[i], "--"); i++)
			;
		if (i == 2 || i >= argc - 1)
			return usage();
		na = read_args(argv + 2, i - 2, xa, argv[1]);
		nb = read_args(argv + i + 1, argc - i - 1, xb, argv[1]);
		compare(xa, na, xb, nb, harmonic, &w);
		printf("t=");
		put(w.t, " df=");
		put(w.df, " p=");
		put(w.p, " significant=");
		printf("%s", w.sig);
		if (w.why)
			printf(" untested=%s", w.why);
		printf("\n");
		return 0;
	}
	return usage();
}
