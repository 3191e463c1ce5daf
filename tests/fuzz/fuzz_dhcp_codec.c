/*
 * The DHCP codec: parse arbitrary bytes; when the parse succeeds, build a
 * message from the struct, parse that again, and the two structs must be
 * equal (issue 7). Building twice must give the same bytes, at least 300
 * of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-stub/dhcp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dhcp_msg m;
    if (dhcp_msg_parse(data, size, &m) != DHCP_OK)
        return 0;
    uint8_t a[DHCP_MSG_BUILD_MAX], b[DHCP_MSG_BUILD_MAX];
    size_t la, lb;
    if (dhcp_msg_build(&m, a, sizeof a, &la) != DHCP_OK)
        abort();
    if (la < DHCP_MSG_MIN_LEN || la > sizeof a)
        abort();
    struct dhcp_msg again;
    if (dhcp_msg_parse(a, la, &again) != DHCP_OK)
        abort();
    if (!dhcp_msg_equal(&m, &again))
        abort();
    memset(b, 0xa5, sizeof b);
    if (dhcp_msg_build(&again, b, sizeof b, &lb) != DHCP_OK || lb != la || memcmp(a, b, la) != 0)
        abort();
    return 0;
}
