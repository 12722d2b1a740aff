/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * devices.h - finding reclaim-capable DRM cards.
 *
 * Two back ends behind one small interface: libudev (enumerate subsystem
 * "drm", sysname "card[0-9]*", plus a monitor for add/remove on the same
 * poll set) for the real system, and a plain directory scan of
 * <sys>/class/drm for fake trees in tests (no monitor). Both report only
 * cards that have a device/reclaim directory.
 */
#ifndef GR_DEVICES_H
#define GR_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "util.h"

struct devscan;

/* added=false: the card went away. */
typedef void (*devscan_cb)(void *ud, const char *sysname, bool added);

/* use_udev=false selects the directory scan. NULL on failure (err filled). */
struct devscan *devscan_new(const struct roots *r, bool use_udev, char *err, size_t errlen);
void devscan_free(struct devscan *ds);
/* Report every reclaim-capable card present now. Returns how many, or -errno. */
int devscan_enumerate(struct devscan *ds, devscan_cb cb, void *ud);
/* Monitor fd for poll(POLLIN), -1 without a monitor. */
int devscan_fd(const struct devscan *ds);
/* Drain pending monitor events. */
void devscan_dispatch(struct devscan *ds, devscan_cb cb, void *ud);

/* Pure: does the config's device match accept this card? */
bool devices_match(const struct config *c, const char *sysname, const char *driver);

/*
 * Is name a DRM driver here: the driver of a card under <sys>/class/drm, a
 * loaded module (<sys>/module/NAME) or a module of the running kernel
 * (/lib/modules/RELEASE/modules.dep or modules.builtin)? When not, why
 * lists the cards present and their drivers.
 */
bool drm_driver_known(const struct roots *r, const char *name, char *why, size_t len);

#endif
