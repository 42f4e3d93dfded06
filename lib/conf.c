/* conf: claimkit.conf(5) key = value settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimkit/buf.h"
#include "claimkit/conf.h"
#include "claimkit/diag.h"
#include "claimkit/lineio.h"
#include "claimkit/xalloc.h"

struct kv {
	char	*key, *val;
};

static struct kv *kvs;
static size_t nkv;
static int loaded;
static char *path_used;

static char *
trim(char *s, size_t *n)
{
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' ||
	    s[*n - 1] == '\r'))
		(*n)--;
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	return s;
}

static void
load_file(const char *path, int must_exist)
{
	struct lineio *li = lineio_open(path);
	char *line;
	size_t len;

	if (li == NULL) {
		if (must_exist || errno != ENOENT)
			diag_fatal(CK_EX_CONFIG, "cannot open '%s': %s", path,
			    strerror(errno));
		return;
	}
	path_used = xstrdup(path);
	while ((line = lineio_next(li, &len)) != NULL) {
		char *eq, *k, *v;
		size_t kl, vl;

		line = trim(line, &len);
		if (len == 0 || line[0] == '#')
			continue;
		if ((eq = memchr(line, '=', len)) == NULL) {
			diag_error(path, lineio_lineno(li),
			    "expected 'key = value'");
			exit(CK_EX_CONFIG);
		}
		kl = (size_t)(eq - line);
		vl = len - kl - 1;
		k = trim(line, &kl);
		v = trim(eq + 1, &vl);
		if (kl == 0) {
			diag_error(path, lineio_lineno(li), "empty key");
			exit(CK_EX_CONFIG);
		}
		kvs = xreallocarray(kvs, nkv + 1, sizeof *kvs);
		kvs[nkv].key = xstrndup(k, kl);
		kvs[nkv].val = xstrndup(v, vl);
		nkv++;
	}
	lineio_close(li);
}

static void
load(void)
{
	const char *env, *home;
	struct buf b = BUF_INIT;

	if (loaded)
		return;
	loaded = 1;
	if ((env = getenv("CLAIMKIT_CONF")) != NULL && *env != '\0') {
		load_file(env, 1);
		return;
	}
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env != '\0')
		buf_printf(&b, "%s/claimkit/claimkit.conf", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		buf_printf(&b, "%s/.config/claimkit/claimkit.conf", home);
	if (b.len > 0)
		load_file(b.s, 0);
	buf_free(&b);
	if (path_used == NULL)
		load_file("/etc/claimkit/claimkit.conf", 0);
}

const char *
conf_get(const char *key)
{
	size_t i;

	load();
	/* The last setting of a key wins, as in most config files. */
	for (i = nkv; i > 0; i--)
		if (strcmp(kvs[i - 1].key, key) == 0)
			return kvs[i - 1].val;
	return NULL;
}

const char *
conf_path(void)
{
	load();
	return path_used;
}

const char *
conf_pick(const char *flag, const char *env, const char *key,
    const char *dflt)
{
	const char *v;

	if (flag != NULL && *flag != '\0')
		return flag;
	if (env != NULL && (v = getenv(env)) != NULL && *v != '\0')
		return v;
	if (key != NULL && (v = conf_get(key)) != NULL && *v != '\0')
		return v;
	return dflt;
}

int
conf_bad_exit(const char *value, const char *flag)
{
	return value != NULL && value == flag ? CK_EX_USAGE : CK_EX_CONFIG;
}
