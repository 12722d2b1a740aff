/* SPDX-License-Identifier: MIT */
/*
 * The parts of the series' panthor uAPI that panthor-hwtest uses and that
 * the panthor_drm.h it is built against may not have yet.
 *
 * The program builds against the PATCHED include/uapi/drm/panthor_drm.h
 * that `kernel/panthor/build -e` produces (build/panthor/src/...). The
 * series has this uAPI since its 12-patch version (patches 0009, 0010):
 *
 *  - DRM_PANTHOR_BO_QUERY_INFO = 0x10 with upstream's
 *    struct drm_panthor_bo_query_info { handle, extra_flags, create_flags,
 *    pad } and DRM_PANTHOR_BO_IS_IMPORTED;
 *  - DRM_PANTHOR_BO_WB_MMAP = (1 << 1), defined but rejected by this kernel;
 *  - DRM_PANTHOR_BO_MADVISE = 0x5f, struct drm_panthor_bo_madvise
 *    { handle, madv, retained, pad }, DRM_PANTHOR_BO_MADV_WILLNEED = 0,
 *    DRM_PANTHOR_BO_MADV_DONTNEED = 1.
 *
 * Headers of the series before that version (8 patches) have an older
 * struct drm_panthor_bo_query_info (a different layout, at 0x20) and give
 * bit 1 of the BO flags another meaning, so the query and the flag are
 * defined here under our own names (hwt_*) with exactly the values above,
 * whatever the header says. MADVISE is taken from the header when it has
 * it (#ifndef fallback otherwise), so the program builds either way. At run
 * time, MADVISE with handle 0 answers -ENOENT when the kernel has it and
 * -EINVAL when not.
 */
#ifndef HWTEST_UAPI_COMPAT_H
#define HWTEST_UAPI_COMPAT_H

#include "panthor_drm.h"

#ifndef DRM_IOCTL_PANTHOR_BO_MADVISE
#define HWT_UAPI_MADVISE_FALLBACK 1
#define DRM_PANTHOR_BO_MADVISE 0x5f
#define DRM_PANTHOR_BO_MADV_WILLNEED 0
#define DRM_PANTHOR_BO_MADV_DONTNEED 1
struct drm_panthor_bo_madvise {
	__u32 handle;
	__u32 madv;
	__u32 retained;
	__u32 pad;
};
#define DRM_IOCTL_PANTHOR_BO_MADVISE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_PANTHOR_BO_MADVISE, struct drm_panthor_bo_madvise)
#else
#define HWT_UAPI_MADVISE_FALLBACK 0
#endif

/* Upstream's BO_QUERY_INFO (0x10), whatever this header calls 0x10. */
#define HWT_PANTHOR_BO_QUERY_INFO 0x10
#define HWT_PANTHOR_BO_IS_IMPORTED (1 << 0)
struct hwt_bo_query_info {
	__u32 handle;
	__u32 extra_flags;
	__u32 create_flags;
	__u32 pad;
};
#define HWT_IOCTL_PANTHOR_BO_QUERY_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + HWT_PANTHOR_BO_QUERY_INFO, struct hwt_bo_query_info)

/* Upstream's DRM_PANTHOR_BO_WB_MMAP: defined, rejected by this kernel. */
#define HWT_PANTHOR_BO_WB_MMAP (1 << 1)

#endif
