/* MemTotal and MemAvailable from /proc/meminfo. */
#ifndef TSM_MEMINFO_H
#define TSM_MEMINFO_H

#include <stdint.h>

struct meminfo {
	uint64_t total_bytes;
	uint64_t available_bytes;
};

/* Parse the text of /proc/meminfo; 0 when both fields were found. */
int meminfo_parse(const char *text, struct meminfo *mi);

/* Read and parse /proc/meminfo; 0 on success. */
int meminfo_read(struct meminfo *mi);

/* floor(bytes * percent / 100) without overflow. */
uint64_t meminfo_share(uint64_t bytes, unsigned percent);

#endif
