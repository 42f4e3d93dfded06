/*
 * conf: claimkit.conf(5), the toolkit's settings file.
 *
 *	# comment
 *	pricing.conversion_factor = 32.3465
 *	validate.ref = /srv/claimkit/ref
 *
 * Found at $CLAIMKIT_CONF, else $XDG_CONFIG_HOME/claimkit/claimkit.conf
 * (XDG_CONFIG_HOME defaults to ~/.config), else /etc/claimkit/claimkit.conf;
 * a missing file is no error.  Precedence in every tool: command-line flag,
 * then environment variable, then this file.
 */
#ifndef CLAIMKIT_CONF_H
#define CLAIMKIT_CONF_H

/*
 * Value of key, or NULL when unset.  The file is read once, on first use;
 * a malformed line or an unreadable file named by $CLAIMKIT_CONF ends the
 * process with CK_EX_CONFIG naming the file and line.
 */
const char *conf_get(const char *key);
/* Path of the file in use, or NULL when none was found. */
const char *conf_path(void);
/*
 * The first non-empty of: flag, getenv(env) (env may be NULL), conf_get(key)
 * (key may be NULL), dflt.
 */
const char *conf_pick(const char *flag, const char *env, const char *key,
    const char *dflt);
/*
 * The exit status for a bad value that conf_pick() returned: CK_EX_USAGE
 * (64) when it is the flag, CK_EX_CONFIG (78) when it came from the
 * environment, the file or a default.
 */
int conf_bad_exit(const char *value, const char *flag);

#endif
