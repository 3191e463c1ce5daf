/*
 * The bring-up's first file: one TFTP read (userspace/libs/tftp) after the
 * lease, from the DHCP server's address (QEMU's slirp: 10.0.2.2, port 69,
 * with -netdev user,...,tftp=DIR), through a netstack UDP socket, into the
 * fetch region: RAM beyond the image, fixed by the link scripts
 * (__fetch_start, __fetch_end: 0x84000000-0x8bffffff, 128 MiB, inside
 * QEMU's -m 256M and below the device tree QEMU puts at its top).
 *
 * What to fetch comes from the kernel command line, /chosen's bootargs,
 * which QEMU fills from -append both with -bios none and under OpenSBI:
 *
 *   tftp=NAME      the file (1..255 bytes); without it nothing is fetched
 *   blksize=N      the blksize option asked for, 8..65464 (default 1468,
 *                  a 1500-byte MTU; slirp grants at most 1428)
 *   maxsize=N      the largest file accepted, bytes (default and ceiling:
 *                  the region's size)
 *   spin=N         after each ACK, poll the stack up to N times (the
 *                  device's interrupt source off) before sleeping in wfi;
 *                  0..FETCH_SPIN_MAX, default 0: the image sleeps at once
 *                  and only a trap wakes it. A busy poll, like Linux's
 *                  SO_BUSY_POLL: it spends the hart to save QEMU two thread
 *                  wake-ups per block, and is what bench/run.sh P7 uses
 *                  (spin=300), beside U-Boot, which always polls.
 *
 * Other words of the command line are left alone; a bad value fails the
 * boot (SELFTEST: bootargs FAIL reason=bad-blksize, ...). The image
 * prints, once the last byte is in, the rate line (first request to last
 * byte, guest clock) and the transfer's counters, then the size and CRC-32
 * of what is in memory as its marker:
 *
 *   tftp: NAME from A.B.C.D: N bytes in T ms, R MiB/s (first request to last byte, guest clock)
 *   tftp: retransmits=0 duplicates=0 dup-acks=0 foreign=0 queue-drops=0 instret=I in-wfi=W
 *   SELFTEST: tftp ok file=NAME size=N crc32=0x........ blocks=B blksize=K ms=T
 *
 * instret is board_instret from the first request to the last byte and
 * in-wfi its part spent inside wfi: guest instructions under QEMU's
 * -icount, host cycles otherwise (QEMU 7.2), so I - W is what the hart did
 * for the transfer (bench/README.md, P7). On failure: SELFTEST: tftp FAIL reason=<tftp_strerror>
 * with the file, the bytes received and the server's own ERROR code and message.
 */
#ifndef RVNET_PLATFORM_FETCH_H
#define RVNET_PLATFORM_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bringup/bringup.h"
#include "netstack/netstack.h"
#include "tftp/tftp.h"

/* What bootargs asked for. */
struct fetch_req {
    bool want; /* tftp= was given */
    char name[TFTP_FILENAME_MAX + 1];
    uint16_t blksize;
    uint64_t max_size; /* never above the region's size */
    uint16_t spin;     /* polls after each ACK before sleeping; 0: none */
};

#define FETCH_SPIN_MAX 10000u

/*
 * Reads and checks bootargs from the device tree (none is no fetch) and
 * checks that the fetch region lies in the RAM the tree describes and
 * clear of the tree itself. Returns NULL, or the reason it cannot go on.
 * The name is copied: the tree is not read again.
 */
const char *fetch_setup(const void *fdt, struct fetch_req *req);

/* Parses a command line of len bytes into req (the part of fetch_setup
 * that reads words). NULL or the reason. */
const char *fetch_parse(const char *args, size_t len, uint64_t region_size, struct fetch_req *req);

/*
 * The transfer, on a stack that has a lease: binds a UDP port derived from
 * virt0's MAC, reads req->name from server:69 into the region, prints the
 * rate line and the marker, and closes the port. It waits through the
 * image's wait loop, pf->run_until (main.c: polls the stack and sleeps in
 * wfi until done() or the deadline), the one the bring-up module is given.
 * Returns NULL, or the reason it failed (tftp_strerror of the client's
 * error, or ns_strerror when the port could not be bound);
 * fetch_print_failure has the rest.
 */
const char *fetch_run(struct ns_host *ns, uint32_t server, const struct fetch_req *req,
                      const struct bringup_platform *pf);

/* The rest of the FAIL line after "SELFTEST: tftp FAIL reason=...": the
 * file, bytes received, and the server's ERROR if it sent one. */
void fetch_print_failure(void);

#endif
