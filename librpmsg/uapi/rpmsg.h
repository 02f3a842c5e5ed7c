/* SPDX-License-Identifier: ((GPL-2.0-only WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Private copy of the kernel's <linux/rpmsg.h> (Linux 6.12), so the library
 * builds with older toolchain headers. Every definition is guarded: the
 * presence of a macro says nothing about what the running kernel supports.
 */
#ifndef __LIBRPMSG_UAPI_RPMSG_H__
#define __LIBRPMSG_UAPI_RPMSG_H__

#include <linux/ioctl.h>
#include <linux/types.h>

#ifndef RPMSG_ADDR_ANY
#define RPMSG_ADDR_ANY		0xFFFFFFFF
#endif

/* Same layout as the kernel's struct rpmsg_endpoint_info (40 bytes). */
struct rpmsgi_endpoint_info {
	char name[32];
	__u32 src;
	__u32 dst;
};

#ifndef RPMSG_CREATE_EPT_IOCTL
#define RPMSG_CREATE_EPT_IOCTL	_IOW(0xb5, 0x1, struct rpmsgi_endpoint_info)
#endif
#ifndef RPMSG_DESTROY_EPT_IOCTL
#define RPMSG_DESTROY_EPT_IOCTL	_IO(0xb5, 0x2)
#endif
#ifndef RPMSG_CREATE_DEV_IOCTL
#define RPMSG_CREATE_DEV_IOCTL	_IOW(0xb5, 0x3, struct rpmsgi_endpoint_info)
#endif
#ifndef RPMSG_RELEASE_DEV_IOCTL
#define RPMSG_RELEASE_DEV_IOCTL	_IOW(0xb5, 0x4, struct rpmsgi_endpoint_info)
#endif
#ifndef RPMSG_GET_OUTGOING_FLOWCONTROL
#define RPMSG_GET_OUTGOING_FLOWCONTROL _IOR(0xb5, 0x5, int)
#endif
#ifndef RPMSG_SET_INCOMING_FLOWCONTROL
#define RPMSG_SET_INCOMING_FLOWCONTROL _IOR(0xb5, 0x6, int)
#endif

#endif /* __LIBRPMSG_UAPI_RPMSG_H__ */
