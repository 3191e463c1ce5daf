/*
 * Every library's name tables: each *_strerror names every code from 0
 * down to its *_ERR_LOWEST, with names that are distinct and not
 * "unknown", and gives "unknown" for anything else; the client state and
 * event names likewise, with "?" outside the enum. A few names are checked
 * at their places, so a walk that skips one name too many or too few
 * cannot pass on distinctness alone.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bringup/bringup.h"
#include "dhcp-stub/dhcp_client.h"
#include "loopback/loopback.h"
#include "netproto/np.h"
#include "netstack/netstack.h"
#include "tftp/tftp.h"
#include "virtio-net/virtio_net.h"

struct err_table {
    const char *lib;
    const char *(*name)(int err);
    int lowest;
    const char *first_three[3]; /* the names of 0, -1, -2 */
    const char *last;           /* the name of lowest */
};

static const struct err_table tables[] = {
    {"virtio-net",
     vnet_strerror,
     VNET_ERR_LOWEST,
     {"ok", "invalid-argument", "bad-magic"},
     "platform-feature-needed"},
    {"netproto", np_strerror, NP_ERR_LOWEST, {"ok", "inval", "nospace"}, "eth-long"},
    {"dhcp-stub", dhcp_strerror, DHCP_ERR_LOWEST, {"ok", "inval", "nospace"}, "client-client-id"},
    {"loopback", lo_strerror, LO_ERR_LOWEST, {"ok", "inval", "full"}, "too-big"},
    {"netstack", ns_strerror, NS_ERR_LOWEST, {"ok", "inval", "down"}, "handed-over"},
    {"tftp", tftp_strerror, TFTP_ERR_LOWEST, {"ok", "inval", "state"}, "timeout"},
    {"bringup", bringup_strerror, BRINGUP_ERR_LOWEST, {"ok", "inval", "netstack"}, "stop-timeout"},
};

static void test_every_code_named_once(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        const struct err_table *tb = &tables[t];
        assert_true(tb->lowest < -2);
        for (int a = tb->lowest; a <= 0; a++) {
            const char *na = tb->name(a);
            if (na == NULL || na[0] == '\0' || strcmp(na, "unknown") == 0)
                fail_msg("%s: code %d has no name", tb->lib, a);
            for (int b = a + 1; b <= 0; b++) {
                if (strcmp(na, tb->name(b)) == 0)
                    fail_msg("%s: codes %d and %d are both '%s'", tb->lib, a, b, na);
            }
        }
        for (int k = 0; k < 3; k++) {
            if (strcmp(tb->name(-k), tb->first_three[k]) != 0)
                fail_msg("%s: code %d is '%s', want '%s'", tb->lib, -k, tb->name(-k),
                         tb->first_three[k]);
        }
        if (strcmp(tb->name(tb->lowest), tb->last) != 0)
            fail_msg("%s: code %d is '%s', want '%s'", tb->lib, tb->lowest, tb->name(tb->lowest),
                     tb->last);
    }
}

static void test_out_of_range_unknown(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        const struct err_table *tb = &tables[t];
        const int outside[] = {tb->lowest - 1, tb->lowest - 1000, 1, 12345, INT_MIN, INT_MAX};
        for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
            if (strcmp(tb->name(outside[i]), "unknown") != 0)
                fail_msg("%s: %d gives '%s', want 'unknown'", tb->lib, outside[i],
                         tb->name(outside[i]));
        }
    }
}

/* n names from 0 up: distinct, none "?", the first and the last as given;
 * n and a huge value give "?". */
static void check_names(const char *what, const char *(*name)(unsigned), unsigned n,
                        const char *first, const char *last)
{
    for (unsigned a = 0; a < n; a++) {
        const char *na = name(a);
        if (na == NULL || na[0] == '\0' || strcmp(na, "?") == 0)
            fail_msg("%s %u has no name", what, a);
        for (unsigned b = a + 1; b < n; b++) {
            if (strcmp(na, name(b)) == 0)
                fail_msg("%s %u and %u are both '%s'", what, a, b, na);
        }
    }
    assert_string_equal(name(0), first);
    assert_string_equal(name(n - 1), last);
    assert_string_equal(name(n), "?");
    assert_string_equal(name(UINT_MAX), "?");
}

static const char *dhcp_state(unsigned s)
{
    return dhcp_client_state_name((enum dhcp_client_state)s);
}

static const char *dhcp_event(unsigned e)
{
    return dhcp_client_event_name((enum dhcp_client_event)e);
}

static const char *tftp_state(unsigned s)
{
    return tftp_client_state_name((enum tftp_client_state)s);
}

static void test_state_and_event_names(void **state)
{
    (void)state;
    check_names("dhcp state", dhcp_state, DHCP_CLIENT_CHECKING + 1, "STOPPED", "CHECKING");
    assert_string_equal(dhcp_state(DHCP_CLIENT_INIT_REBOOT), "INIT-REBOOT");
    check_names("dhcp event", dhcp_event, DHCP_CLIENT_EV_CONFLICT + 1, "NONE", "CONFLICT");
    check_names("tftp state", tftp_state, TFTP_CLIENT_FAILED + 1, "IDLE", "FAILED");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_named_once),
        cmocka_unit_test(test_out_of_range_unknown),
        cmocka_unit_test(test_state_and_event_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
