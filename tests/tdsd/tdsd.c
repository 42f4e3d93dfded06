/*
 * tdsd: claimkit's TDS (Microsoft SQL Server protocol) test server,
 * backed by SQLite.  main: options, the listener, one thread per
 * connection (each with its own SQLite connection to the one database
 * file), ATTENTION polling while a request runs, --stats lines, and
 * --selftest-file, which runs a file of bytes through the session code
 * the way tests/fuzz/fuzz-tdsd.c does.  See tests/tdsd/README.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "claimkit/buf.h"
#include "claimkit/xalloc.h"
#include "tdsd.h"

static const char usage_text[] =
"usage: tdsd --listen HOST:PORT --db FILE --user NAME --password-file FILE\n"
"            [--database NAME] [--port-file FILE] [--stats FILE]\n"
"            [--fault SPEC]... [--lock-timeout MS] [--no-check-8bit]\n"
"            [--legacy-truncation] [--record DIR] [-v]\n"
"       tdsd --selftest-file FILE\n"
"\n"
"A TDS 7.1-7.4 test server backed by SQLite (tests/tdsd/README).\n"
"  --listen HOST:PORT     address to listen on; port 0 picks a free port\n"
"                         (printed as 'listening on HOST:PORT' on stdout)\n"
"  --db FILE              SQLite database file (created when missing)\n"
"  --user NAME            the one login\n"
"  --password-file FILE   its password (first line)\n"
"  --database NAME        the one database (default smart_pro_claims)\n"
"  --port-file FILE       write the chosen port there\n"
"  --stats FILE           append one key=value line per closed connection\n"
"  --fault SPEC           inject a fault (repeatable), e.g. drop:batch=3,\n"
"                         drop:batch=3:bytes=5000, drop-after:match=COMMIT,\n"
"                         deadlock:batch=N, locktimeout:batch=N,\n"
"                         delay:batch=N:ms=M, delay:ms=M, hang:batch=N,\n"
"                         close:packets=N\n"
"  --lock-timeout MS      wait for a lock this long, then error 1222\n"
"                         (default 30000)\n"
"  --no-check-8bit        accept bulk NVARCHAR that looks like 8-bit text\n"
"  --legacy-truncation    error 8152 instead of 2628 for long strings\n"
"  --record DIR           write each connection's packets to DIR/conn-N.bin\n"
"  --selftest-file FILE   run FILE's bytes through a session (fuzz input)\n"
"  -v, --verbose          log connections, batches and errors to stderr\n";

static struct srvconf conf;
static const char *statsfile;
static volatile sig_atomic_t stopping;
static unsigned long nconn;

struct conn {
	int		 fd;
	unsigned long	 id;
	struct sess	*s;
	struct buf	 pending;	/* bytes read ahead (not ATTENTION) */
	int		 eof;
	int		 rec;		/* --record file, or -1 */
	unsigned long	 bytes_out;
	unsigned long	 pkts_out;
};

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("tdsd: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(78);
}

static int
send_all(void *ctx, const void *p, size_t n)
{
	struct conn *c = ctx;
	const char *q = p;

	c->bytes_out += n;
	c->pkts_out++;
	while (n > 0) {
		ssize_t w = send(c->fd, q, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes (pending first); 1 ok, 0 EOF, -1 error. */
static int
read_full(struct conn *c, uint8_t *p, size_t n)
{
	size_t got = 0;

	if (c->pending.len > 0) {
		size_t k = c->pending.len < n ? c->pending.len : n;

		memcpy(p, c->pending.s, k);
		memmove(c->pending.s, c->pending.s + k, c->pending.len - k);
		c->pending.len -= k;
		got = k;
	}
	while (got < n) {
		ssize_t r = recv(c->fd, p + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return 0;
		if (r < 0)
			return -1;
		got += (size_t)r;
	}
	return 1;
}

/* Read one packet into b; 1 ok, 0 EOF, -1 error or malformed. */
static int
read_packet(struct conn *c, struct buf *b)
{
	uint8_t h[8];
	unsigned len;
	int rc;

	if ((rc = read_full(c, h, 8)) <= 0)
		return rc;
	len = (unsigned)h[2] << 8 | h[3];
	if (len < 8)
		return -1;
	buf_reset(b);
	buf_add(b, h, 8);
	buf_grow(b, len - 8);
	if (len > 8 && (rc = read_full(c, (uint8_t *)b->s + 8, len - 8)) <= 0)
		return rc < 0 ? -1 : 0;
	b->len = len;
	if (c->rec >= 0 && write(c->rec, b->s, b->len) != (ssize_t)b->len) {
		close(c->rec);
		c->rec = -1;
	}
	return 1;
}

/*
 * Is there an ATTENTION from the client?  Waits up to ms.  Whatever
 * else arrives is kept for the main loop.  1 yes, 0 no, -1 closed.
 */
static int
check_attention(struct conn *c, int ms)
{
	struct pollfd pfd;
	struct timespec t0, t1;
	int left = ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint8_t h[8];
		unsigned len;
		ssize_t r;

		if (c->eof)
			return -1;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0) {
			/* a whole packet header: is it ATTENTION? */
			r = recv(c->fd, h, 8, MSG_PEEK);
			if (r == 0) {
				c->eof = 1;
				return -1;
			}
			if (r == 8) {
				len = (unsigned)h[2] << 8 | h[3];
				if (h[0] == PKT_ATTN && len == 8) {
					if (recv(c->fd, h, 8, MSG_WAITALL) != 8)
						return -1;
					return 1;
				}
				/* a request while one runs: keep it */
				if (len >= 8) {
					struct buf tmp = BUF_INIT;

					buf_grow(&tmp, len);
					tmp.len = len;
					if (read_full(c, (uint8_t *)tmp.s,
					    len) <= 0) {
						buf_free(&tmp);
						c->eof = 1;
						return -1;
					}
					buf_add(&c->pending, tmp.s, tmp.len);
					buf_free(&tmp);
				} else
					return -1;
			} else if (r < 0 && errno != EINTR && errno != EAGAIN)
				return -1;
		}
		if (ms == 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
	}
}

static int
poll_attn(struct sess *s)
{
	return check_attention(s->io, 0) == 1;
}

static int
wait_attn(struct sess *s, int ms)
{
	return check_attention(s->io, ms);
}

static void
write_stats(struct conn *c)
{
	struct sess *s = c->s;
	char line[512];
	int fd, n;

	if (statsfile == NULL)
		return;
	n = snprintf(line, sizeof(line), "app=%s logins=%lu batches=%lu"
	    " rpc=%lu bulk=%lu attention=%lu packets_in=%lu packets_out=%lu"
	    " bytes_in=%lu bytes_out=%lu\n",
	    s->app && *s->app ? s->app : "-", s->st_logins, s->st_batches,
	    s->st_rpc, s->st_bulk, s->st_attn, s->st_pkin, c->pkts_out,
	    s->st_bytesin, c->bytes_out);
	for (char *p = line + 4; *p && *p != ' '; p++)
		if (*p == '=' || *p == '\t')
			*p = '_';
	if ((fd = open(statsfile, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
		return;
	if (write(fd, line, (size_t)n) != n)
		fprintf(stderr, "tdsd: warning: cannot write %s\n", statsfile);
	close(fd);
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	struct buf pkt = BUF_INIT;
	sqlite3 *db = NULL;
	char err[256];
	int one = 1;

	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (db_open(conf.dbfile, &db, conf.lock_timeout_ms, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "tdsd: error: %s: %s\n", conf.dbfile, err);
		close(c->fd);
		free(c);
		return NULL;
	}
	/* a loader request is several MB of SQL */
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1000000000);
	c->s = sess_new(&conf, db, send_all, c);
	c->s->io = c;
	c->s->poll_attn = poll_attn;
	c->s->wait_attn = wait_attn;
	if (conf.verbose)
		fprintf(stderr, "tdsd: connection %lu: spid %u\n", c->id,
		    c->s->spid);
	for (;;) {
		int rc = read_packet(c, &pkt);
		unsigned long np;

		if (rc <= 0)
			break;
		np = __atomic_add_fetch(&conf.npackets, 1, __ATOMIC_RELAXED);
		{
			int i, close_now = 0;

			for (i = 0; i < conf.f.n; i++) {
				struct fault *f = &conf.f.v[i];

				if (f->kind == F_CLOSE && np >= f->packets &&
				    __atomic_exchange_n(&f->fired, 1,
				    __ATOMIC_ACQ_REL) == 0)
					close_now = 1;
			}
			if (close_now) {
				if (conf.verbose)
					fprintf(stderr, "tdsd: fault: close"
					    " after packet %lu\n", np);
				break;
			}
		}
		if (sess_packet(c->s, (const uint8_t *)pkt.s, pkt.len) != 0)
			break;
		if (stopping)
			break;
	}
	/* an open transaction dies with its connection */
	exec_rollback_all(c->s);
	write_stats(c);
	if (conf.verbose)
		fprintf(stderr, "tdsd: connection %lu closed\n", c->id);
	shutdown(c->fd, SHUT_RDWR);
	close(c->fd);
	if (c->rec >= 0)
		close(c->rec);
	sess_free(c->s);
	sqlite3_close(db);
	buf_free(&pkt);
	buf_free(&c->pending);
	free(c);
	return NULL;
}

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static char *
read_password(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t n;

	if (f == NULL)
		die("%s: cannot open: %s", path, strerror(errno));
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0)
		die("%s: empty password", path);
	return xstrdup(line);
}

static int
listen_on(const char *spec, char *shown, size_t shownsz)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints, *ai, *a;
	int fd = -1, one = 1, rc;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char port[16];

	if (colon == NULL || colon == spec || (size_t)(colon - spec) >=
	    sizeof(host))
		die("--listen: expected HOST:PORT, got '%s'", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0)
		die("--listen %s: %s", spec, gai_strerror(rc));
	for (a = ai; a != NULL; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype,
		    a->ai_protocol)) < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
		    listen(fd, 64) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		die("--listen %s: cannot listen: %s", spec, strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, port,
	    sizeof(port), NI_NUMERICSERV) != 0)
		die("--listen %s: cannot learn the port", spec);
	snprintf(shown, shownsz, "%s:%s", host, port);
	return fd;
}

static void
write_port_file(const char *path, const char *port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		die("%s: cannot write: %s", tmp, strerror(errno));
	fprintf(f, "%s\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("%s: cannot write: %s", path, strerror(errno));
}

static int
selftest_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "tdsd: error: %s: cannot open: %s\n", path,
		    strerror(errno));
		return 66;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f)) {
		fprintf(stderr, "tdsd: error: %s: read error\n", path);
		fclose(f);
		buf_free(&b);
		return 74;
	}
	fclose(f);
	(void)tdsd_selftest((const uint8_t *)(b.s ? b.s : ""), b.len);
	buf_free(&b);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "database", required_argument, NULL, 'D' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "stats", required_argument, NULL, 's' },
		{ "fault", required_argument, NULL, 'f' },
		{ "lock-timeout", required_argument, NULL, 't' },
		{ "no-check-8bit", no_argument, NULL, '8' },
		{ "legacy-truncation", no_argument, NULL, 'T' },
		{ "record", required_argument, NULL, 'r' },
		{ "selftest-file", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *listen_spec = NULL, *pwfile = NULL, *portfile = NULL;
	char shown[300], err[256];
	int c, lfd;
	struct sigaction sa;
	sqlite3 *db;

	conf.dbname = "smart_pro_claims";
	conf.lock_timeout_ms = 30000;
	conf.check8bit = 1;
	while ((c = getopt_long(argc, argv, "hvV", opts, NULL)) != -1) {
		switch (c) {
		case 'l': listen_spec = optarg; break;
		case 'd': conf.dbfile = optarg; break;
		case 'u': conf.user = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'D': conf.dbname = optarg; break;
		case 'P': portfile = optarg; break;
		case 's': statsfile = optarg; break;
		case 'f':
			if (fault_parse(&conf.f, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "tdsd: error: --fault: %s\n",
				    err);
				return 64;
			}
			break;
		case 't': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end != '\0' || v < 0 || v > 3600000) {
				fprintf(stderr, "tdsd: error: --lock-timeout:"
				    " '%s'\n", optarg);
				return 64;
			}
			conf.lock_timeout_ms = (int)v;
			break;
		}
		case '8': conf.check8bit = 0; break;
		case 'T': conf.legacy_trunc = 1; break;
		case 'r': conf.recorddir = optarg; break;
		case 'S': return selftest_file(optarg);
		case 'v': conf.verbose = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("tdsd (claimkit) %s\n", CLAIMKIT_VERSION);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 64;
		}
	}
	if (optind != argc || listen_spec == NULL || conf.dbfile == NULL ||
	    conf.user == NULL || pwfile == NULL) {
		fputs(usage_text, stderr);
		return 64;
	}
	conf.password = read_password(pwfile);
	if (db_open(conf.dbfile, &db, conf.lock_timeout_ms, err,
	    sizeof(err)) != 0 || db_init_catalog(db, err, sizeof(err)) != 0)
		die("%s: %s", conf.dbfile, err);
	sqlite3_close(db);
	lfd = listen_on(listen_spec, shown, sizeof(shown));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (portfile != NULL)
		write_port_file(portfile, strrchr(shown, ':') + 1);
	printf("listening on %s\n", shown);
	fflush(stdout);
	while (!stopping) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		struct conn *cn;
		pthread_t th;
		pthread_attr_t at;
		int fd;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			continue;
		cn = xcalloc(1, sizeof(*cn));
		cn->fd = fd;
		cn->id = ++nconn;
		cn->rec = -1;
		if (conf.recorddir != NULL) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/conn-%lu.bin",
			    conf.recorddir, cn->id);
			cn->rec = open(path, O_WRONLY | O_CREAT | O_TRUNC,
			    0644);
		}
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&at, (size_t)8 << 20);
		if (pthread_create(&th, &at, conn_main, cn) != 0) {
			close(fd);
			free(cn);
		}
		pthread_attr_destroy(&at);
	}
	close(lfd);
	return 0;
}
