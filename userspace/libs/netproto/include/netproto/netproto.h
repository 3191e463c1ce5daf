/* rvnet netproto: every wire format in one include. */
#ifndef NETPROTO_NETPROTO_H
#define NETPROTO_NETPROTO_H

#include "netproto/arp.h"
#include "netproto/checksum.h"
#include "netproto/eth.h"
#include "netproto/icmp.h"
#include "netproto/ipv4.h"
#include "netproto/np.h"
#include "netproto/udp.h"

#endif
