/*
 * nx-net: the host front door of rvnet, in the shape of ip/ping. Every
 * subcommand runs the whole host in one process: the virtio-net frontend on
 * the fake virtio-mmio device, a backend behind the device, lo, and the
 * netstack. The default backend is the stub network (a peer at 10.0.2.2
 * answering DHCP, ARP and ICMP, as QEMU's slirp would) on a virtual clock
 * that starts at 0 and moves 1 ms per poll: the same command gives the same
 * frames, the same output and, with --pcap, the same file, byte for byte.
 * --backend slirp (libslirp in-process, no root) and --backend tap:IFNAME
 * (a Linux TAP) reach real peers on the monotonic clock. Host only.
 *
 * This file is the command line: a table of subcommands (name, usage, the
 * options each takes, a check, a handler) and a table of options. Every
 * argument is checked before anything is brought up: a bad one is a usage
 * error, exit 2, one line on stderr and nothing on stdout.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "nx_net.h"
#include "rvnet/version.h"

/* --- the options -------------------------------------------------------------- */

struct nx_optdef {
    const char *name; /* --name */
    int has_arg;
    enum nx_opt bit;
    const char *arg;  /* its argument in the usage text */
    const char *help; /* one line */
};

static const struct nx_optdef optdefs[] = {
    {"virtio", required_argument, NX_OPT_VIRTIO, "legacy|modern",
     "the device's virtio-mmio version (default legacy)"},
    {"pcap", required_argument, NX_OPT_PCAP, "FILE",
     "write every frame to FILE (pcap, Ethernet; tshark reads it)"},
    {"json", no_argument, NX_OPT_JSON, NULL, "print one JSON object instead of text"},
    {"count", required_argument, NX_OPT_COUNT, "N", "-c N: echo requests to send, 1-1000"},
    {"proto", required_argument, NX_OPT_PROTO, "N", "the IP protocol number, 0-255"},
    {"dst", required_argument, NX_OPT_DST, "ADDR", "the destination address"},
    {"hex", required_argument, NX_OPT_HEX, "BYTES", "the payload, in hex"},
    {"backend", required_argument, NX_OPT_BACKEND, "stub|slirp|tap:IFNAME",
     "behind the device (default stub; slirp and tap run on the monotonic clock)"},
    {"mac", required_argument, NX_OPT_MAC, "MAC", "the device's MAC (default 02:00:00:00:00:01)"},
    {"tftp", required_argument, NX_OPT_TFTP, "DIR",
     "with --backend slirp: slirp serves DIR over TFTP"},
    {"seconds", required_argument, NX_OPT_SECONDS, "N",
     "how long to stay up (default 10, up to 86400)"},
    {"static", required_argument, NX_OPT_STATIC, "ADDR/PREFIX",
     "no DHCP: virt0 gets this address (for a link without a server)"},
    {"gw", required_argument, NX_OPT_GW, "ADDR", "with --static: the gateway"},
    {"udp-echo", required_argument, NX_OPT_UDP_ECHO, "PORT",
     "the UDP echo port (default 7; 0: no UDP echo)"},
    {"probe", no_argument, NX_OPT_PROBE, NULL,
     "ARP-probe the offered address before using it (RFC 5227; 4-7 s; default with tap)"},
    {"no-probe", no_argument, NX_OPT_NO_PROBE, NULL,
     "no RFC 5227 probe (default with stub, slirp)"},
    {"output", required_argument, NX_OPT_OUTPUT, "OUT",
     "-o OUT: where the file goes (default: its base name, here; - for stdout)"},
    {"server", required_argument, NX_OPT_SERVER, "ADDR",
     "the TFTP server (default: the DHCP server of the lease)"},
    {"blksize", required_argument, NX_OPT_BLKSIZE, "N",
     "the block size asked for (RFC 2348), 8-1468 (default 1468: one 1500-byte frame)"},
    {"windowsize", required_argument, NX_OPT_WINDOWSIZE, "N",
     "the window asked for (RFC 7440), 1-65535 (default: none, one block per ACK)"},
    {"max-size", required_argument, NX_OPT_MAX_SIZE, "N",
     "the largest file taken, in bytes; a larger one is refused with ERROR 3"},
    {"no-options", no_argument, NX_OPT_NO_OPTIONS, NULL,
     "a plain RFC 1350 request: no blksize, tsize or windowsize (512-byte blocks)"},
};

#define NX_NOPTS (sizeof(optdefs) / sizeof(optdefs[0]))
#define NX_OPT_VAL 256 /* getopt_long's val of optdefs[i] is NX_OPT_VAL + i */

/* What the command line said, before it is checked. */
struct nx_raw {
    const char *val[NX_NOPTS];
    const char *pos; /* the positional argument after the command: words[0] */
    const char *words[NX_WORDS_MAX];
    unsigned nwords;
    bool help;
};

/* --- the subcommands ------------------------------------------------------------ */

#define NX_COMMON                                                                                  \
    (NX_OPT_VIRTIO | NX_OPT_PCAP | NX_OPT_JSON | NX_OPT_BACKEND | NX_OPT_MAC | NX_OPT_TFTP)

#define NX_ADDR (NX_OPT_STATIC | NX_OPT_GW)       /* subcommands that can do without DHCP */
#define NX_PROBE (NX_OPT_PROBE | NX_OPT_NO_PROBE) /* subcommands that run the DHCP client */

static int check_sendraw(struct nx_opts *o);
static int check_dhcp_server(struct nx_opts *o);

static const struct nx_cmd cmds[] = {
    {
        .name = "up",
        .synopsis = "",
        .summary = "the bring-up sequence, marker lines, summary",
        .help = "Frontend init, lo up, DHCP on virt0, ping on lo, ping of the gateway;\n"
                "one marker line per step, then a summary. Exit 0 when every step passed.\n",
        .opts = NX_COMMON | NX_PROBE,
        .run = nx_cmd_up,
    },
    {
        .name = "if",
        .synopsis = "",
        .summary = "interfaces after DHCP",
        .help = "Brings the host up (DHCP included) and lists virt0 and lo.\n",
        .opts = NX_COMMON | NX_ADDR | NX_PROBE,
        .run = nx_cmd_if,
    },
    {
        .name = "dhcp",
        .synopsis = "",
        .summary = "run DHCP on virt0, print the lease",
        .help = "Runs DHCP on virt0 and prints the lease.\n",
        .opts = NX_COMMON | NX_PROBE,
        .run = nx_cmd_dhcp,
    },
    {
        .name = "ping",
        .synopsis = "ADDR [-c N]",
        .summary = "echo requests through the stack",
        .help = "N echo requests (default 3) to ADDR after DHCP: 127.x.y.z goes over lo,\n"
                "10.0.2.2 to the stub peer (or slirp). Exit 0 when every request was answered.\n",
        .opts = NX_COMMON | NX_ADDR | NX_OPT_COUNT | NX_PROBE,
        .needs_addr = true,
        .run = nx_cmd_ping,
    },
    {
        .name = "sendraw",
        .synopsis = "--proto N --dst ADDR --hex BYTES",
        .summary = "an IPv4 packet through the raw-socket shim",
        .help = "Sends BYTES as the payload of an IPv4 packet of protocol N through a raw\n"
                "socket and prints what the socket receives in the next 100 ms.\n",
        .opts = NX_COMMON | NX_ADDR | NX_OPT_PROTO | NX_OPT_DST | NX_OPT_HEX | NX_PROBE,
        .check = check_sendraw,
        .run = nx_cmd_sendraw,
    },
    {
        .name = "serve",
        .synopsis = "[--seconds N] [--static ADDR/PREFIX]",
        .summary = "stay up answering ARP, ICMP echo, UDP echo",
        .help = "Brings the host up (DHCP, or --static) and stays up N seconds answering ARP,\n"
                "ICMP echo and UDP echo (port 7), so that a real host on the link can ping it\n"
                "and talk to it; prints DHCP events as they happen, and at the end what it\n"
                "answered. Ends by itself, or at Ctrl-C.\n",
        .opts = NX_COMMON | NX_ADDR | NX_OPT_SECONDS | NX_OPT_UDP_ECHO | NX_PROBE,
        .run = nx_cmd_serve,
    },
    {
        .name = "dhcp-server",
        .synopsis = "--backend tap:IFNAME [--seconds N]",
        .summary = "the stub DHCP server on a private link (a test fixture)",
        .help = "The stub DHCP server on a real link: it hands 10.0.2.15/24 (router 10.0.2.2,\n"
                "DNS 10.0.2.3) to one client at a time, and answers ARP and ping for 10.0.2.2,\n"
                "through the fake device and the frontend. A TEST FIXTURE FOR A PRIVATE LINK\n"
                "(a TAP of your own, in a namespace of your own), NOT A DHCP SERVER FOR\n"
                "NETWORKS. Logs each message; ends after N seconds (default 10) or at Ctrl-C\n"
                "and prints its counters.\n",
        .opts = NX_OPT_VIRTIO | NX_OPT_PCAP | NX_OPT_BACKEND | NX_OPT_MAC | NX_OPT_SECONDS,
        .check = check_dhcp_server,
        .run = nx_cmd_dhcp_server,
        .frontend_only = true,
    },
    {
        .name = "tftp",
        .synopsis = "get FILE [-o OUT] [--server ADDR] [--blksize N] [--windowsize N]",
        .summary = "fetch a file over TFTP through the stack",
        .help = "Brings the host up (DHCP, or --static) and fetches FILE with a TFTP read\n"
                "request (RFC 1350, octet; blksize and tsize asked, RFC 2348/2349) from a UDP\n"
                "socket on an ephemeral port, from the DHCP server unless --server. OUT is\n"
                "written to a temporary file beside it and renamed over it once the transfer\n"
                "is whole: OUT is replaced, never left half-written. -o - writes to stdout\n"
                "(the text goes to stderr then). A progress line on stderr when it is a\n"
                "terminal; at the end one line, or --json: size, blocks, blksize,\n"
                "retransmits, time, rate, CRC-32. The stub serves hello.txt, zero.bin,\n"
                "block.bin, big.bin and wrap.bin; slirp serves --tftp DIR. Exit 0: OUT is\n"
                "whole; 1: the transfer failed (not found, with the server's message; a server\n"
                "error, a timeout, too big, a write error) and OUT is as it was; 2: a usage\n"
                "error, before anything ran.\n",
        .opts = NX_COMMON | NX_ADDR | NX_PROBE | NX_OPT_OUTPUT | NX_OPT_SERVER | NX_OPT_BLKSIZE |
                NX_OPT_WINDOWSIZE | NX_OPT_MAX_SIZE | NX_OPT_NO_OPTIONS,
        .words = 2,
        .check = nx_tftp_check,
        .run = nx_cmd_tftp,
    },
};

#define NX_NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* --- usage ------------------------------------------------------------------------ */

static void usage_all(FILE *to)
{
    fprintf(to, "usage: nx-net [OPTIONS] COMMAND [ARGS]\ncommands (default: up):\n");
    for (unsigned i = 0; i < NX_NCMDS; i++)
        fprintf(to, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(to, "Everything runs in-process: the fake virtio-mmio device with, behind it,\n"
                "  --backend stub         a stub network (10.0.2.2), on a virtual clock (default)\n"
                "  --backend slirp        libslirp, QEMU's user network, restricted; no root\n"
                "  --backend tap:IFNAME   a Linux TAP that exists and is up (root, or its owner)\n"
                "Exit 0: passed; 1: a step failed; 2: nothing ran (bad arguments, or a backend\n"
                "that cannot be opened). 'nx-net COMMAND --help' for more.\n");
}

static void usage_cmd(FILE *to, const struct nx_cmd *c)
{
    fprintf(to, "usage: nx-net %s %s%s[OPTIONS]\n%s", c->name, c->synopsis,
            c->synopsis[0] ? " " : "", c->help);
    fprintf(to, "options:\n");
    for (unsigned i = 0; i < NX_NOPTS; i++) {
        if (!(c->opts & optdefs[i].bit))
            continue;
        char head[48];
        snprintf(head, sizeof(head), "--%s%s%s", optdefs[i].name, optdefs[i].arg ? " " : "",
                 optdefs[i].arg ? optdefs[i].arg : "");
        fprintf(to, "  %-26s %s\n", head, optdefs[i].help);
    }
}

/* One line on stderr, exit 2; nothing on stdout. */
static int bad_usage(const char *fmt, const char *what)
{
    fprintf(stderr, "nx-net: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, " (try 'nx-net --help')\n");
    return NX_EXIT_USAGE;
}

/* --- checks ------------------------------------------------------------------------ */

static int check_dhcp_server(struct nx_opts *o)
{
    if (o->backend != NX_BE_TAP)
        return bad_usage("%s needs --backend tap:IFNAME: it serves a real, private link",
                         "dhcp-server");
    return 0;
}

static int check_sendraw(struct nx_opts *o)
{
    if (o->proto < 0 || !(o->seen & NX_OPT_DST) || !(o->seen & NX_OPT_HEX))
        return bad_usage("%s needs --proto, --dst and --hex", "sendraw");
    return 0;
}

/* The value of each option given, into o. Returns 0 or exit 2. */
static int take_values(const struct nx_raw *r, struct nx_opts *o)
{
    unsigned long v;
    for (unsigned i = 0; i < NX_NOPTS; i++) {
        const char *s = r->val[i];
        if (!s)
            continue;
        switch (optdefs[i].bit) {
        case NX_OPT_VIRTIO:
            if (strcmp(s, "legacy") != 0 && strcmp(s, "modern") != 0)
                return bad_usage("--virtio takes legacy or modern, not '%s'", s);
            o->version = strcmp(s, "modern") == 0 ? 2u : 1u;
            break;
        case NX_OPT_PCAP:
            o->pcap = s;
            break;
        case NX_OPT_JSON:
            o->json = true;
            break;
        case NX_OPT_COUNT:
            if (nx_parse_uint(s, 1000, &v) != 0 || v == 0)
                return bad_usage("-c takes a count from 1 to 1000, not '%s'", s);
            o->count = (unsigned)v;
            break;
        case NX_OPT_PROTO:
            if (nx_parse_uint(s, 255, &v) != 0)
                return bad_usage("--proto takes an IP protocol number 0-255, not '%s'", s);
            o->proto = (int)v;
            break;
        case NX_OPT_DST:
            if (nx_parse_ip(s, &o->addr) != 0)
                return bad_usage("--dst: '%s' is not an IPv4 address", s);
            break;
        case NX_OPT_BACKEND: {
            char why[200];
            if (nx_backend_parse(s, o, why, sizeof(why)) != 0) {
                fprintf(stderr, "nx-net: %s\n", why);
                return NX_EXIT_USAGE;
            }
            break;
        }
        case NX_OPT_MAC:
            if (nx_parse_mac(s, o->mac) != 0)
                return bad_usage("--mac: '%s' is not a unicast MAC (xx:xx:xx:xx:xx:xx)", s);
            o->have_mac = true;
            break;
        case NX_OPT_TFTP:
            o->tftp_dir = s;
            break;
        case NX_OPT_SECONDS:
            if (nx_parse_uint(s, 86400, &v) != 0 || v == 0)
                return bad_usage("--seconds takes 1 to 86400, not '%s'", s);
            o->seconds = (unsigned)v;
            break;
        case NX_OPT_STATIC:
            if (nx_parse_prefix(s, &o->st_addr, &o->st_mask) != 0)
                return bad_usage("--static takes a host address and a prefix of 1 to 30 "
                                 "(10.0.9.2/24), not '%s'",
                                 s);
            o->have_static = true;
            break;
        case NX_OPT_GW:
            if (nx_parse_ip(s, &o->st_gw) != 0)
                return bad_usage("--gw: '%s' is not an IPv4 address", s);
            break;
        case NX_OPT_UDP_ECHO:
            if (nx_parse_uint(s, 65535, &v) != 0)
                return bad_usage("--udp-echo takes a port 0-65535, not '%s'", s);
            o->udp_echo = (uint16_t)v;
            break;
        case NX_OPT_PROBE:
        case NX_OPT_NO_PROBE:
            break; /* after the loop: the default depends on the backend */
        case NX_OPT_HEX:
            if (nx_hex_decode(s, o->hex, sizeof(o->hex), &o->hex_len) != 0 || o->hex_len == 0)
                return bad_usage("--hex: '%s' is not hex bytes (1 to 1480 of them)", s);
            break;
        case NX_OPT_OUTPUT:
        case NX_OPT_SERVER:
        case NX_OPT_BLKSIZE:
        case NX_OPT_WINDOWSIZE:
        case NX_OPT_MAX_SIZE:
        case NX_OPT_NO_OPTIONS:
            if (nx_tftp_value(optdefs[i].bit, s, o) != 0) /* tftp's: nx_tftp.c */
                return NX_EXIT_USAGE;
            break;
        }
    }
    return 0;
}

static unsigned gw_index(void)
{
    for (unsigned i = 0; i < NX_NOPTS; i++)
        if (optdefs[i].bit == NX_OPT_GW)
            return i;
    return 0;
}

/* Everything about the command line, before anything runs. */
static int check_args(const struct nx_raw *r, struct nx_opts *o)
{
    const struct nx_cmd *c = o->cmd;
    for (unsigned i = 0; i < NX_NOPTS; i++) {
        if (r->val[i] && !(c->opts & optdefs[i].bit)) {
            fprintf(stderr, "nx-net: --%s does not apply to '%s' (try 'nx-net %s --help')\n",
                    optdefs[i].name, c->name, c->name);
            return NX_EXIT_USAGE;
        }
    }
    int rc = take_values(r, o);
    if (rc)
        return rc;
    if (c->needs_addr) {
        if (!r->pos)
            return bad_usage("%s needs an address", c->name);
        if (nx_parse_ip(r->pos, &o->addr) != 0)
            return bad_usage("'%s' is not an IPv4 address", r->pos);
        if (r->nwords > 1)
            return bad_usage("unexpected argument '%s'", r->words[1]);
    } else if (c->words) {
        for (unsigned i = 0; i < r->nwords; i++)
            o->words[i] = r->words[i];
        o->nwords = r->nwords; /* c->check says what they must be */
    } else if (r->pos) {
        return bad_usage("unexpected argument '%s'", r->pos);
    }
    /* The RFC 5227 probe: on by default on a TAP, where another host may
     * hold the address; off on the stub and slirp, where nobody can (see
     * docs/netstack.md). */
    if ((o->seen & NX_PROBE) == NX_PROBE)
        return bad_usage("%s: one or the other", "--probe and --no-probe");
    if ((o->seen & NX_PROBE) && o->have_static)
        return bad_usage("%s: the probe is DHCP's; --static has no DHCP", "--probe/--no-probe");
    o->probe =
        (o->seen & NX_OPT_PROBE) || (o->backend == NX_BE_TAP && !(o->seen & NX_OPT_NO_PROBE));
    if ((o->seen & NX_OPT_GW) && !o->have_static)
        return bad_usage("%s belongs with --static", "--gw");
    if (o->have_static && o->st_gw &&
        ((o->st_gw ^ o->st_addr) & o->st_mask || o->st_gw == o->st_addr))
        return bad_usage("--gw %s is not another address of --static's subnet", r->val[gw_index()]);
    if (o->tftp_dir && o->backend != NX_BE_SLIRP)
        return bad_usage("%s needs --backend slirp", "--tftp");
    return c->check ? c->check(o) : 0;
}

/* --- main ---------------------------------------------------------------------------- */

/* getopt_long over the option table; the command and its argument are the
 * words that are not options (GNU getopt puts them last). Returns -1 to go
 * on, else the exit status. */
static int parse(int argc, char **argv, struct nx_raw *r, struct nx_opts *o)
{
    struct option longopts[NX_NOPTS + 3];
    for (unsigned i = 0; i < NX_NOPTS; i++)
        longopts[i] =
            (struct option){optdefs[i].name, optdefs[i].has_arg, NULL, NX_OPT_VAL + (int)i};
    longopts[NX_NOPTS] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[NX_NOPTS + 1] = (struct option){"version", no_argument, NULL, 'V'};
    longopts[NX_NOPTS + 2] = (struct option){NULL, 0, NULL, 0};
    int ch;
    while ((ch = getopt_long(argc, argv, "c:ho:", longopts, NULL)) != -1) {
        if (ch >= NX_OPT_VAL && ch < NX_OPT_VAL + (int)NX_NOPTS) {
            unsigned i = (unsigned)(ch - NX_OPT_VAL);
            r->val[i] = optarg ? optarg : "";
            o->seen |= optdefs[i].bit;
        } else if (ch == 'c' || ch == 'o') { /* -c N is --count, -o OUT --output */
            enum nx_opt bit = ch == 'c' ? NX_OPT_COUNT : NX_OPT_OUTPUT;
            for (unsigned i = 0; i < NX_NOPTS; i++)
                if (optdefs[i].bit == bit)
                    r->val[i] = optarg;
            o->seen |= bit;
        } else if (ch == 'h') {
            r->help = true;
        } else if (ch == 'V') { /* the libraries' version, from rvnet/version.h */
            printf("nx-net %s\n", RVNET_VERSION_STRING);
            return NX_EXIT_OK;
        } else {
            return NX_EXIT_USAGE; /* getopt_long printed why */
        }
    }
    o->cmd = &cmds[0];
    bool named = false;
    if (optind < argc) {
        for (unsigned i = 0; i < NX_NCMDS && !named; i++) {
            if (strcmp(argv[optind], cmds[i].name) == 0) {
                o->cmd = &cmds[i];
                named = true;
            }
        }
        if (!named) {
            fprintf(stderr, "nx-net: unknown command '%s' (try 'nx-net --help')\n", argv[optind]);
            return NX_EXIT_USAGE;
        }
        optind++;
    }
    if (r->help) {
        if (named)
            usage_cmd(stdout, o->cmd);
        else
            usage_all(stdout);
        return NX_EXIT_OK;
    }
    while (optind < argc && r->nwords < NX_WORDS_MAX)
        r->words[r->nwords++] = argv[optind++];
    r->pos = r->words[0];
    if (optind < argc)
        return bad_usage("unexpected argument '%s'", argv[optind]);
    return -1;
}

int main(int argc, char **argv)
{
    static struct nx_opts o;
    struct nx_raw r;
    memset(&r, 0, sizeof(r));
    o.version = 1;
    o.count = 3;
    o.proto = -1;
    o.seconds = 10;
    o.udp_echo = 7;
    /* Line by line, also into a pipe or a file: serve and dhcp-server are
     * read while they run. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    int rc = parse(argc, argv, &r, &o);
    if (rc >= 0)
        return rc;
    rc = check_args(&r, &o);
    if (rc)
        return rc;

    static struct nx_world w;
    rc = nx_world_prepare(&w, &o);
    if (rc)
        return rc;
    rc = nx_world_open(&w);
    if (rc == 0)
        rc = o.cmd->run(&w);
    nx_world_stop(&w);
    nx_backend_report(&w.bk, &o);
    if (nx_world_close(&w) != 0) {
        fprintf(stderr, "nx-net: writing %s failed\n", o.pcap);
        return NX_EXIT_FAIL;
    }
    return rc;
}
