// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Runs every suite. RPMSG_ENGINE (uring or epoll) picks the engine under test. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "check-common.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_ctx());
	struct rpmsg_ctx *ctx;
	int failed;

	/* The simulated remote uses sockets: a closed peer must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	ctx = rpmsg_ctx_new(0);
	if (!ctx) {
		perror("rpmsg_ctx_new");
		return EXIT_FAILURE;
	}
	printf("librpmsg %s, engine under test: %s\n", rpmsg_api_version(),
	       rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)));
	rpmsg_ctx_free(ctx);

	srunner_add_suite(sr, suite_discovery());
	srunner_add_suite(sr, suite_ctrl());
	srunner_add_suite(sr, suite_ept());
	srunner_add_suite(sr, suite_send());
	srunner_add_suite(sr, suite_rx());
	srunner_add_suite(sr, suite_sim());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
