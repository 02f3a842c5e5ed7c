// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: librpmsg authors

/* Library-wide information. */

#include "internal.h"

RPMSG_API const char *rpmsg_api_version(void)
{
	return PACKAGE_VERSION;
}
