/*
 * tdsd: claimkit's TDS test server (see tdsd.h for the layout).
 * main: options, listener, one thread per connection, faults.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tdsd.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/*
	 * The session layer (sess.c, exec.c) is being written: refuse to
	 * start rather than pretend to be a server.
	 */
	fprintf(stderr, "tdsd: not usable yet: session layer unfinished\n");
	return 70;
}
