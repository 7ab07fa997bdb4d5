// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdei_guest: the handler pointer that lib/sdei_entry.S calls (guest memory).
 */
#include "sdei_guest.h"

sdei_guest_handler_t sdei_guest_handler;
