# rvnet's libraries for builds that are not CMake (a kernel's Makefile or
# Kbuild), in the manner of lwIP's Filelists.mk.
#
# Generated from the CMake library targets by cmake/rvnetFilelists.cmake
# (template cmake/rvnet.mk.in); do not edit. The test rvnet_filelists fails
# when this file and the CMake lists differ, and
# `cmake --build BUILD --target rvnet_filelists` rewrites it.
#
#   include path/to/rvnet/rvnet.mk
#   CFLAGS += $(RVNET_CFLAGS) $(addprefix -I,$(RVNET_INCDIRS))
#   OBJS += $(RVNET_SRCS:.c=.o)      (or one library's: $(RVNET_NETSTACK_SRCS:.c=.o))
#
# For each library LIB (VIRTIO_NET, NETPROTO, ...):
#   RVNET_LIB_SRCS      its C sources
#   RVNET_LIB_INCDIRS   the include directories its sources and its users need:
#                       its own, those of the rvnet libraries it uses, and
#                       RVNET_VERSION_INCDIRS (rvnet/version.h)
#   RVNET_LIB_DEPS      the rvnet libraries it uses directly (names as in RVNET_LIBS)
# RVNET_LIBS names every library, each after the ones it uses; RVNET_SRCS
# and RVNET_INCDIRS are those of all of them. Every path starts with
# $(RVNET_ROOT): this file's folder, unless you set it first (Kbuild: a path
# under $(src)).
#
# The sources include only <stdint.h>, <stddef.h>, <stdbool.h> and
# <string.h>, and call nothing but memcpy, memset and memcmp: compile them
# with RVNET_CFLAGS, link them with those three. RVNET_WARNFLAGS are the
# warnings rvnet's own build turns into errors, with gcc and clang.

ifndef RVNET_ROOT
RVNET_ROOT := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
endif

RVNET_VERSION := 0.2.0
RVNET_VERSION_MAJOR := 0
RVNET_VERSION_MINOR := 2
RVNET_VERSION_PATCH := 0

RVNET_CFLAGS := -std=c11 -ffreestanding
RVNET_WARNFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wcast-align -Wvla

RVNET_VERSION_INCDIRS := $(RVNET_ROOT)/userspace/libs/rvnet/include

# virtio_net (CMake: rvnet_virtio_net, rvnet::virtio_net)
RVNET_VIRTIO_NET_SRCS := \
	$(RVNET_ROOT)/userspace/libs/virtio-net/src/transport.c \
	$(RVNET_ROOT)/userspace/libs/virtio-net/src/virtqueue.c \
	$(RVNET_ROOT)/userspace/libs/virtio-net/src/net.c \
	$(RVNET_ROOT)/userspace/libs/virtio-net/src/negotiate.c \
	$(RVNET_ROOT)/userspace/libs/virtio-net/src/vnet_info.c \
	$(RVNET_ROOT)/userspace/libs/virtio-net/src/vnet_err.c
RVNET_VIRTIO_NET_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/virtio-net/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_VIRTIO_NET_DEPS :=

# netproto (CMake: rvnet_netproto, rvnet::netproto)
RVNET_NETPROTO_SRCS := \
	$(RVNET_ROOT)/userspace/libs/netproto/src/np_err.c \
	$(RVNET_ROOT)/userspace/libs/netproto/src/checksum.c \
	$(RVNET_ROOT)/userspace/libs/netproto/src/eth.c \
	$(RVNET_ROOT)/userspace/libs/netproto/src/arp.c \
	$(RVNET_ROOT)/userspace/libs/netproto/src/ipv4.c \
	$(RVNET_ROOT)/userspace/libs/netproto/src/udp.c \
	$(RVNET_ROOT)/userspace/libs/netproto/src/icmp.c
RVNET_NETPROTO_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/netproto/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_NETPROTO_DEPS :=

# dhcp_stub (CMake: rvnet_dhcp_stub, rvnet::dhcp_stub)
RVNET_DHCP_STUB_SRCS := \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_codec.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_err.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_frame.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_client.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_client_rx.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_client_tx.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_probe.c \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/src/dhcp_server.c
RVNET_DHCP_STUB_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/include \
	$(RVNET_ROOT)/userspace/libs/netproto/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_DHCP_STUB_DEPS := netproto

# loopback (CMake: rvnet_loopback, rvnet::loopback)
RVNET_LOOPBACK_SRCS := \
	$(RVNET_ROOT)/userspace/libs/loopback/src/loopback.c \
	$(RVNET_ROOT)/userspace/libs/loopback/src/lo_err.c
RVNET_LOOPBACK_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/loopback/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_LOOPBACK_DEPS :=

# netstack (CMake: rvnet_netstack, rvnet::netstack)
RVNET_NETSTACK_SRCS := \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_core.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_virt0.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_ip.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_sock.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_dhcp.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_ping.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_ip_out.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_arp.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_link.c \
	$(RVNET_ROOT)/userspace/libs/netstack/src/ns_err.c
RVNET_NETSTACK_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/netstack/include \
	$(RVNET_ROOT)/userspace/libs/loopback/include \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/include \
	$(RVNET_ROOT)/userspace/libs/netproto/include \
	$(RVNET_ROOT)/userspace/libs/virtio-net/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_NETSTACK_DEPS := loopback dhcp_stub netproto virtio_net

# tftp (CMake: rvnet_tftp, rvnet::tftp)
RVNET_TFTP_SRCS := \
	$(RVNET_ROOT)/userspace/libs/tftp/src/tftp_wire.c \
	$(RVNET_ROOT)/userspace/libs/tftp/src/tftp_client.c \
	$(RVNET_ROOT)/userspace/libs/tftp/src/tftp_err.c
RVNET_TFTP_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/tftp/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_TFTP_DEPS :=

# bringup (CMake: rvnet_bringup, rvnet::bringup)
RVNET_BRINGUP_SRCS := \
	$(RVNET_ROOT)/userspace/libs/bringup/src/bringup.c \
	$(RVNET_ROOT)/userspace/libs/bringup/src/bringup_say.c \
	$(RVNET_ROOT)/userspace/libs/bringup/src/bringup_err.c
RVNET_BRINGUP_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/bringup/include \
	$(RVNET_ROOT)/userspace/libs/netstack/include \
	$(RVNET_ROOT)/userspace/libs/loopback/include \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/include \
	$(RVNET_ROOT)/userspace/libs/netproto/include \
	$(RVNET_ROOT)/userspace/libs/virtio-net/include \
	$(RVNET_VERSION_INCDIRS)
RVNET_BRINGUP_DEPS := netstack loopback dhcp_stub virtio_net

RVNET_LIBS := virtio_net netproto dhcp_stub loopback netstack tftp bringup
RVNET_SRCS := \
	$(RVNET_VIRTIO_NET_SRCS) \
	$(RVNET_NETPROTO_SRCS) \
	$(RVNET_DHCP_STUB_SRCS) \
	$(RVNET_LOOPBACK_SRCS) \
	$(RVNET_NETSTACK_SRCS) \
	$(RVNET_TFTP_SRCS) \
	$(RVNET_BRINGUP_SRCS)
RVNET_INCDIRS := \
	$(RVNET_ROOT)/userspace/libs/virtio-net/include \
	$(RVNET_ROOT)/userspace/libs/netproto/include \
	$(RVNET_ROOT)/userspace/libs/dhcp-stub/include \
	$(RVNET_ROOT)/userspace/libs/loopback/include \
	$(RVNET_ROOT)/userspace/libs/netstack/include \
	$(RVNET_ROOT)/userspace/libs/tftp/include \
	$(RVNET_ROOT)/userspace/libs/bringup/include \
	$(RVNET_VERSION_INCDIRS)
