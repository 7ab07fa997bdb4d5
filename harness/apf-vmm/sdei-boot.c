// SPDX-License-Identifier: GPL-2.0
/*
 * sdei-boot.efi: a UEFI application that adds an ACPI SDEI table, then boots
 * Linux (harness/ARM64-APF.md).
 *
 * The APF series' arm64 guest needs its SDEI driver to find SDEI, which under
 * ACPI means an "SDEI" table (a bare ACPI header), and it maps its page-ready
 * PPI with ACPI GSI registration, so it must boot with ACPI. QEMU's "virt"
 * machine builds no SDEI table and refuses -acpitable on arm ("Option not
 * supported for this target", QEMU 7.2 and 10.0), and Linux does not take an
 * SDEI table from the initrd (its table upgrade allows a fixed list of
 * signatures, SDEI not among them). So the guest's UEFI (Debian's
 * qemu-efi-aarch64) runs this program as QEMU's -kernel: it installs the table
 * with EFI_ACPI_TABLE_PROTOCOL, reads the Linux Image QEMU gives it as the
 * fw_cfg file "opt/org.apf-suite/linux" (fw_cfg DMA), and starts it with the
 * command line it was itself given (-append; UEFI adds "initrd=initrd" for
 * -initrd, which Linux's EFI stub loads through UEFI's initrd protocol).
 *
 * Freestanding: the few UEFI definitions it uses are below (UEFI 2.x
 * specification). No absolute addresses in data, so it needs no relocations.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;

#define EFI_SUCCESS		0
#define EFI_ERR(n)		(0x8000000000000000ULL | (n))
#define EFI_NOT_FOUND		EFI_ERR(14)
#define EFI_DEVICE_ERROR	EFI_ERR(7)
#define EFI_LOADER_DATA		2

struct efi_guid {
	uint32_t a;
	uint16_t b, c;
	uint8_t d[8];
};

struct efi_table_header {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
};

struct efi_text_out {
	void *reset;
	efi_status (*output_string)(struct efi_text_out *self, const char16 *s);
};

typedef efi_status (*efi_fn)(void);

struct efi_boot_services {
	struct efi_table_header hdr;
	efi_fn raise_tpl, restore_tpl, allocate_pages, free_pages, get_memory_map;
	efi_status (*allocate_pool)(uint32_t type, uint64_t size, void **buf);
	efi_status (*free_pool)(void *buf);
	efi_fn create_event, set_timer, wait_for_event, signal_event, close_event,
		check_event, install_protocol_interface, reinstall_protocol_interface,
		uninstall_protocol_interface;
	efi_status (*handle_protocol)(efi_handle h, const struct efi_guid *g, void **iface);
	void *reserved;
	efi_fn register_protocol_notify, locate_handle, locate_device_path,
		install_configuration_table;
	efi_status (*load_image)(uint8_t boot_policy, efi_handle parent, void *path,
				 void *buf, uint64_t size, efi_handle *image);
	efi_status (*start_image)(efi_handle image, uint64_t *exit_size, char16 **exit_data);
	efi_fn exit, unload_image, exit_boot_services, get_next_monotonic_count, stall,
		set_watchdog_timer, connect_controller, disconnect_controller, open_protocol,
		close_protocol, open_protocol_information, protocols_per_handle,
		locate_handle_buffer;
	efi_status (*locate_protocol)(const struct efi_guid *g, void *reg, void **iface);
};

struct efi_system_table {
	struct efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_text_out *con_out;
	efi_handle standard_error_handle;
	void *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t nr_tables;
	void *tables;
};

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
	uint32_t image_code_type, image_data_type;
	void *unload;
};

struct efi_acpi_table_protocol {
	efi_status (*install_acpi_table)(struct efi_acpi_table_protocol *self, const void *buf,
					 uint64_t size, uint64_t *key);
	void *uninstall_acpi_table;
};

static const struct efi_guid loaded_image_guid = {
	0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } };
static const struct efi_guid acpi_table_guid = {
	0xffe06bdd, 0x6107, 0x46a6, { 0x7b, 0xb2, 0x5a, 0x9c, 0x7e, 0xc5, 0x27, 0x5c } };

/* An ACPI table header: the whole SDEI table (SDEI specification, "ACPI table") */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/* QEMU fw_cfg on the "virt" machine: MMIO at 0x09020000, DMA register at +16 */
#define FW_CFG_DMA_REG		((volatile uint64_t *)0x09020010UL)
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_DMA_ERROR	0x01
#define FW_CFG_DMA_READ		0x02
#define FW_CFG_DMA_SELECT	0x08
#define LINUX_FILE		"opt/org.apf-suite/linux"

struct fw_cfg_dma {
	uint32_t control, length;
	uint64_t address;
} __attribute__((aligned(16)));

struct fw_cfg_file {
	uint32_t size;
	uint16_t select, reserved;
	char name[56];
};

static struct efi_system_table *st;

/* the compiler may call these for structure copies and initialisers */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static void say(const char *msg)
{
	char16 buf[160];
	size_t i;

	for (i = 0; msg[i] && i < 157; i++)
		buf[i] = (char16)(unsigned char)msg[i];
	buf[i++] = '\r';
	buf[i++] = '\n';
	buf[i] = 0;
	st->con_out->output_string(st->con_out, buf);
}

static int fw_cfg_read(uint16_t key, void *buf, uint32_t len)
{
	static struct fw_cfg_dma dma;

	dma.control = __builtin_bswap32(((uint32_t)key << 16) | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ);
	dma.length = __builtin_bswap32(len);
	dma.address = __builtin_bswap64((uint64_t)(uintptr_t)buf);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*FW_CFG_DMA_REG = __builtin_bswap64((uint64_t)(uintptr_t)&dma);
	while (__builtin_bswap32(__atomic_load_n(&dma.control, __ATOMIC_SEQ_CST)) & ~FW_CFG_DMA_ERROR)
		;
	return (__builtin_bswap32(dma.control) & FW_CFG_DMA_ERROR) ? -1 : 0;
}

static int name_is(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static efi_status install_sdei_table(void)
{
	struct efi_acpi_table_protocol *acpi;
	struct acpi_header t = {
		.signature = { 'S', 'D', 'E', 'I' },
		.length = sizeof(struct acpi_header),
		.revision = 1,
		.oem_id = { 'A', 'P', 'F', 'S', 'U', 'I' },
		.oem_table_id = { 'A', 'P', 'F', 'S', 'D', 'E', 'I', ' ' },
		.oem_revision = 1,
		.creator_id = { 'A', 'P', 'F', 'S' },
		.creator_revision = 1,
	};
	const uint8_t *p = (const uint8_t *)&t;
	uint64_t key;
	uint8_t sum = 0;
	efi_status s;
	size_t i;

	for (i = 0; i < sizeof(t); i++)
		sum += p[i];
	t.checksum = (uint8_t)(0x100 - sum);
	s = st->boot_services->locate_protocol(&acpi_table_guid, NULL, (void **)&acpi);
	if (s != EFI_SUCCESS)
		return s;
	return acpi->install_acpi_table(acpi, &t, sizeof(t), &key);
}

efi_status efi_main(efi_handle image, struct efi_system_table *systab);

efi_status efi_main(efi_handle image, struct efi_system_table *systab)
{
	struct efi_boot_services *bs = systab->boot_services;
	struct efi_loaded_image *self, *linux_li;
	struct fw_cfg_file *dir;
	uint32_t count = 0, i, size = 0;
	uint16_t select = 0;
	void *linux_buf;
	efi_handle linux_image;
	efi_status s;

	st = systab;
	s = install_sdei_table();
	if (s != EFI_SUCCESS) {
		say("sdei-boot: cannot install the ACPI SDEI table");
		return s;
	}
	say("sdei-boot: ACPI SDEI table installed");

	if (fw_cfg_read(FW_CFG_FILE_DIR, &count, sizeof(count))) {
		say("sdei-boot: cannot read the fw_cfg directory");
		return EFI_DEVICE_ERROR;
	}
	count = __builtin_bswap32(count);
	s = bs->allocate_pool(EFI_LOADER_DATA, 4 + (uint64_t)count * sizeof(*dir), (void **)&dir);
	if (s != EFI_SUCCESS)
		return s;
	if (fw_cfg_read(FW_CFG_FILE_DIR, dir, 4 + count * (uint32_t)sizeof(*dir)))
		return EFI_DEVICE_ERROR;
	dir = (struct fw_cfg_file *)((char *)dir + 4);
	for (i = 0; i < count; i++) {
		if (name_is(dir[i].name, LINUX_FILE)) {
			size = __builtin_bswap32(dir[i].size);
			select = __builtin_bswap16(dir[i].select);
		}
	}
	if (!size) {
		say("sdei-boot: no fw_cfg file " LINUX_FILE " (-fw_cfg name=" LINUX_FILE ",file=IMAGE)");
		return EFI_NOT_FOUND;
	}
	s = bs->allocate_pool(EFI_LOADER_DATA, size, &linux_buf);
	if (s != EFI_SUCCESS)
		return s;
	if (fw_cfg_read(select, linux_buf, size)) {
		say("sdei-boot: reading the Linux image from fw_cfg failed");
		return EFI_DEVICE_ERROR;
	}
	s = bs->load_image(0, image, NULL, linux_buf, size, &linux_image);
	if (s != EFI_SUCCESS) {
		say("sdei-boot: UEFI refused to load the Linux image");
		return s;
	}
	if (bs->handle_protocol(image, &loaded_image_guid, (void **)&self) == EFI_SUCCESS &&
	    bs->handle_protocol(linux_image, &loaded_image_guid, (void **)&linux_li) == EFI_SUCCESS) {
		linux_li->load_options = self->load_options;
		linux_li->load_options_size = self->load_options_size;
	}
	say("sdei-boot: starting Linux");
	return bs->start_image(linux_image, NULL, NULL);
}
