#include "meminfo.h"

#include <stdio.h>
#include <string.h>

#include "args.h"

/* "Name:   12345 kB" -> bytes. */
static int field_bytes(const char *text, const char *name, uint64_t *out)
{
	size_t n = strlen(name);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			char digits[32];
			const char *p = line + n + 1;
			size_t len = 0;
			uint64_t kb;

			while (*p == ' ' || *p == '\t')
				p++;
			while (p[len] >= '0' && p[len] <= '9')
				len++;
			if (len == 0 || len >= sizeof(digits) ||
			    strncmp(p + len, " kB", 3) != 0)
				return -1;
			memcpy(digits, p, len);
			digits[len] = '\0';
			if (args_parse_u64(digits, &kb) || kb > UINT64_MAX / 1024)
				return -1;
			*out = kb * 1024;
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

int meminfo_parse(const char *text, struct meminfo *mi)
{
	if (field_bytes(text, "MemTotal", &mi->total_bytes) ||
	    field_bytes(text, "MemAvailable", &mi->available_bytes))
		return -1;
	return 0;
}

int meminfo_read(struct meminfo *mi)
{
	char buf[8192];
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return meminfo_parse(buf, mi);
}

uint64_t meminfo_share(uint64_t bytes, unsigned percent)
{
	return bytes / 100 * percent + bytes % 100 * percent / 100;
}
