// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/*
 * check-vm: the library's Check suite against the real rpmsg drivers, run in
 * the test VM by tests/kernel/check-kernel.sh (once per engine: RPMSG_ENGINE
 * = uring or epoll). RPMSG_VM_SLOW=1 adds the 15 s timeout test.
 * RPMSG_VM_SOAK=N runs only the soak instead: N echoed send_async messages.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "check-vm.h"

/* The rpmsg tool's VM tests (tools/) plug in here: add their suites to sr. */
void vm_add_tool_suites(SRunner *sr)
{
}

int main(void)
{
	bool soak = getenv("RPMSG_VM_SOAK") != NULL;
	SRunner *sr = srunner_create(soak ? suite_vm_soak() : suite_vm_discovery());
	enum rpmsg_engine want = vm_engine_wanted();
	struct rpmsg_ctx *ctx;
	struct utsname u;
	int failed;

	signal(SIGPIPE, SIG_IGN);
	ctx = rpmsg_ctx_new(0);
	if (!ctx) {
		perror("rpmsg_ctx_new");
		return EXIT_FAILURE;
	}
	uname(&u);
	printf("check-vm: librpmsg %s, kernel %s, engine under test: %s\n", rpmsg_api_version(),
	       u.release, rpmsg_engine_name(rpmsg_ctx_get_engine(ctx)));
	if (want && rpmsg_ctx_get_engine(ctx) != want) {
		printf("check-vm: RPMSG_ENGINE asks for %s\n", rpmsg_engine_name(want));
		rpmsg_ctx_free(ctx);
		return EXIT_FAILURE;
	}
	rpmsg_ctx_free(ctx);
	fflush(stdout);
	if (soak)
		goto run;

	srunner_add_suite(sr, suite_vm_ept());
	srunner_add_suite(sr, suite_vm_send());
	srunner_add_suite(sr, suite_vm_async());
	srunner_add_suite(sr, suite_vm_rx());
	srunner_add_suite(sr, suite_vm_down());
	srunner_add_suite(sr, suite_vm_iowq());
	srunner_add_suite(sr, suite_vm_signals());
	vm_add_tool_suites(sr);
run:
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
