// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libudev.h>

#include "devices.h"
#include "knobs.h"
#include "log.h"

struct devscan {
	struct roots roots;
	struct udev *udev;		/* NULL: directory scan */
	struct udev_monitor *mon;
};

static bool devscan_capable(const struct devscan *ds, const char *sysname)
{
	char path[PATH_MAX];
	struct stat st;

	if (card_minor(sysname) < 0)
		return false;
	if (path_fmt(path, sizeof(path), "%s/class/drm/%s/device/reclaim",
		     ds->roots.sys, sysname))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct devscan *devscan_new(const struct roots *r, bool use_udev, char *err, size_t errlen)
{
	struct devscan *ds = calloc(1, sizeof(*ds));
	const char *source;

	if (!ds) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ds->roots = *r;
	if (!use_udev)
		return ds;
	ds->udev = udev_new();
	if (!ds->udev) {
		snprintf(err, errlen, "udev_new() failed");
		goto err_free;
	}
	/*
	 * Without udevd (a minimal initramfs) no "udev" events are ever sent;
	 * listen to the kernel's uevents then.
	 */
	source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	ds->mon = udev_monitor_new_from_netlink(ds->udev, source);
	if (!ds->mon) {
		snprintf(err, errlen, "cannot create a udev monitor (%s events)", source);
		goto err_unref;
	}
	if (udev_monitor_filter_add_match_subsystem_devtype(ds->mon, "drm", NULL) < 0 ||
	    udev_monitor_enable_receiving(ds->mon) < 0) {
		snprintf(err, errlen, "cannot enable the udev monitor");
		goto err_mon;
	}
	log_debug("udev monitor listening to %s events", source);
	return ds;

err_mon:
	udev_monitor_unref(ds->mon);
err_unref:
	udev_unref(ds->udev);
err_free:
	free(ds);
	return NULL;
}

void devscan_free(struct devscan *ds)
{
	if (!ds)
		return;
	if (ds->mon)
		udev_monitor_unref(ds->mon);
	if (ds->udev)
		udev_unref(ds->udev);
	free(ds);
}

static int devscan_enumerate_dir(struct devscan *ds, devscan_cb cb, void *ud)
{
	char path[PATH_MAX];
	struct dirent **ents;
	int n, found = 0;

	if (path_fmt(path, sizeof(path), "%s/class/drm", ds->roots.sys))
		return -ENAMETOOLONG;
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		if (devscan_capable(ds, ents[i]->d_name)) {
			cb(ud, ents[i]->d_name, true);
			found++;
		}
		free(ents[i]);
	}
	free(ents);
	return found;
}

int devscan_enumerate(struct devscan *ds, devscan_cb cb, void *ud)
{
	struct udev_enumerate *e;
	struct udev_list_entry *it;
	int found = 0;

	if (!ds->udev)
		return devscan_enumerate_dir(ds, cb, ud);
	e = udev_enumerate_new(ds->udev);
	if (!e)
		return -ENOMEM;
	if (udev_enumerate_add_match_subsystem(e, "drm") < 0 ||
	    udev_enumerate_add_match_sysname(e, "card[0-9]*") < 0 ||
	    udev_enumerate_scan_devices(e) < 0) {
		udev_enumerate_unref(e);
		return -EIO;
	}
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
		const char *syspath = udev_list_entry_get_name(it);
		const char *sysname = strrchr(syspath, '/');

		/* "card[0-9]*" also matches connectors such as card0-HDMI-A-1 */
		if (sysname && devscan_capable(ds, sysname + 1)) {
			cb(ud, sysname + 1, true);
			found++;
		}
	}
	udev_enumerate_unref(e);
	return found;
}

int devscan_fd(const struct devscan *ds)
{
	return ds->mon ? udev_monitor_get_fd(ds->mon) : -1;
}

void devscan_dispatch(struct devscan *ds, devscan_cb cb, void *ud)
{
	struct udev_device *dev;

	if (!ds->mon)
		return;
	while ((dev = udev_monitor_receive_device(ds->mon))) {
		const char *action = udev_device_get_action(dev);
		const char *sysname = udev_device_get_sysname(dev);

		if (action && sysname && card_minor(sysname) >= 0) {
			log_debug("udev: %s %s", action, sysname);
			if (strcmp(action, "remove") == 0)
				cb(ud, sysname, false);
			else if (devscan_capable(ds, sysname))
				cb(ud, sysname, true);
		}
		udev_device_unref(dev);
	}
}

static bool in_list(const char list[][CFG_NAME_LEN], size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

bool devices_match(const struct config *c, const char *sysname, const char *driver)
{
	if (c->ncards && !in_list(c->cards, c->ncards, sysname))
		return false;
	if (c->ndrivers && !in_list(c->drivers, c->ndrivers, driver ? driver : ""))
		return false;
	return true;
}

/* name with '-' as '_', as module names are */
static void modname(char *dst, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		dst[i] = s[i] == '-' ? '_' : s[i];
	dst[i] = '\0';
}

/* A line of modules.dep/modules.builtin naming .../NAME.ko[.xz|.zst|.gz] */
static bool modules_file_has(const char *path, const char *want)
{
	char line[1024], m[CFG_NAME_LEN + 8];
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *end = strcspn(line, ":\n") + line, *base, *dot;

		*end = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (!dot)
			continue;
		*dot = '\0';
		modname(m, sizeof(m), base);
		found = strcmp(m, want) == 0;
	}
	fclose(f);
	return found;
}

bool drm_driver_known(const struct roots *r, const char *name, char *why, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX], want[CFG_NAME_LEN], seen[256] = "";
	struct dirent **ents;
	struct utsname u;
	struct stat st;
	bool found = false;
	int n;

	modname(want, sizeof(want), name);
	if (path_fmt(path, sizeof(path), "%s/class/drm", r->sys) == 0 &&
	    (n = scandir(path, &ents, NULL, alphasort)) >= 0) {
		for (int i = 0; i < n; i++) {
			const char *sysname = ents[i]->d_name, *base;
			char drv[CFG_NAME_LEN];
			ssize_t l;

			if (card_minor(sysname) >= 0 &&
			    !path_fmt(path, sizeof(path), "%s/class/drm/%s/device/driver", r->sys, sysname)) {
				l = readlink(path, link, sizeof(link) - 1);
				link[l > 0 ? l : 0] = '\0';
				base = strrchr(link, '/');
				base = base ? base + 1 : link;
				modname(drv, sizeof(drv), base);
				if (*drv && strcmp(drv, want) == 0)
					found = true;
				if (strlen(seen) + strlen(sysname) + strlen(base) + 24 < sizeof(seen) &&
				    snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s (%s)",
					     seen[0] ? ", " : "", sysname,
					     *base ? base : "no driver link") < 0)
					seen[0] = '\0';
			}
			free(ents[i]);
		}
		free(ents);
	}
	if (!found && !path_fmt(path, sizeof(path), "%s/module/%s", r->sys, want))
		found = stat(path, &st) == 0;
	if (!found && uname(&u) == 0) {
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
		found = modules_file_has(path, want);
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
		found = found || modules_file_has(path, want);
	}
	if (!found)
		snprintf(why, len, "%s%s", seen[0] ? "cards present: " : "no DRM card present",
			 seen);
	return found;
}
