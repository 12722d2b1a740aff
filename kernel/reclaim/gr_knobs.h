/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gem_reclaim: the control plane of one device, i.e. the reclaim knobs (one
 * table, shown in sysfs and debugfs), the observability files, and the
 * interface the shrinker uses to read the knobs. See gr_knobs.c.
 */
#ifndef __GR_KNOBS_H__
#define __GR_KNOBS_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "gr_policy.h"
#include "gr_stats.h"

struct dentry;
struct device;
struct drm_device;
struct gr_control;
struct seq_file;

/**
 * enum gr_knob_id - the knobs, indices into gr_knobs[]
 * @GR_KNOB_POLICY: the policy chain
 * @GR_KNOB_AVAILABLE_POLICIES: the known policies (read-only)
 * @GR_KNOB_IDLE_THRESHOLD_MS: idle time before a VM's BOs may be taken
 * @GR_KNOB_MIN_RESIDENT_MB: memory reclaim leaves resident
 * @GR_KNOB_SWAPOUT_MIN_IDLE_MS: idle time before swapout may take a VM's BOs
 * @GR_KNOB_REFAULT_PROTECT_MS: longest reuse interval a refault protects
 * @GR_KNOB_COUNT: number of knobs
 */
enum gr_knob_id {
	GR_KNOB_POLICY,
	GR_KNOB_AVAILABLE_POLICIES,
	GR_KNOB_IDLE_THRESHOLD_MS,
	GR_KNOB_MIN_RESIDENT_MB,
	GR_KNOB_SWAPOUT_MIN_IDLE_MS,
	GR_KNOB_REFAULT_PROTECT_MS,
	GR_KNOB_COUNT,
};

/* Longest text a knob shows or accepts, plus one. */
#define GR_KNOB_TEXT_MAX	GR_CHAIN_TEXT_MAX

/**
 * struct gr_knob - one knob
 *
 * An entry of gr_knobs[]: the sysfs attribute, the debugfs file and the
 * module parameter of a knob are all made from it, so each knob has one
 * parser and one formatter.
 */
struct gr_knob {
	/** @name: file name in sysfs and debugfs, module parameter name */
	const char *name;
	/** @mode: 0644, or 0444 for a read-only knob (@parse NULL) */
	umode_t mode;
	/** @unit: unit of the value, NULL if none */
	const char *unit;
	/** @min: smallest valid value (numeric knobs) */
	u64 min;
	/** @max: largest valid value (numeric knobs) */
	u64 max;
	/** @def: built-in default, in the text form @parse accepts */
	const char *def;
	/** @doc: one line, the module parameter's description */
	const char *doc;
	/**
	 * @parse: validate text (NUL-terminated, @len bytes, possibly with a
	 * trailing newline) into the value stored for the knob.
	 * Returns: 0, -EINVAL (malformed) or -ERANGE (out of range).
	 */
	int (*parse)(const struct gr_knob *knob, const char *buf, size_t len,
		     u64 *val);
	/**
	 * @show: format a stored value as text, without a newline.
	 * Returns: the number of characters written, without the NUL.
	 */
	int (*show)(const struct gr_knob *knob, u64 val, char *buf,
		    size_t size);
};

extern const struct gr_knob gr_knobs[GR_KNOB_COUNT];

int gr_knob_parse(enum gr_knob_id id, const char *buf, size_t len, u64 *val);
int gr_knob_show(enum gr_knob_id id, u64 val, char *buf, size_t size);

/**
 * struct gr_control_ops - what the reclaim code provides to the control plane
 *
 * Every member is optional; the file that needs a missing one fails with
 * -EOPNOTSUPP.
 */
struct gr_control_ops {
	/**
	 * @shrink: reclaim @pages pages now with the current chain, from the
	 * VMs of process @tgid only, or from every VM if @tgid is 0; store
	 * the pages freed in @freed. Called from a debugfs write, in process
	 * context, with no control-plane lock but the shrink request lock
	 * held (requests are serialized). It should tell lockdep it reclaims
	 * (fs_reclaim_acquire()), as the shrinker's scan may run there too.
	 *
	 * Returns: 0 or a negative errno (returned to the writer).
	 */
	int (*shrink)(struct gr_control *ctl, unsigned long pages, pid_t tgid,
		      unsigned long *freed);
	/**
	 * @bos_show: print one line per BO with gr_bos_print_row(); the
	 * header is printed already.
	 *
	 * Returns: 0 or a negative errno.
	 */
	int (*bos_show)(struct gr_control *ctl, struct seq_file *m);
	/**
	 * @vms_show: print one line per VM with gr_vms_print_row(); the
	 * header is printed already.
	 *
	 * Returns: 0 or a negative errno.
	 */
	int (*vms_show)(struct gr_control *ctl, struct seq_file *m);
	/**
	 * @table_size: bytes the bos (@vms false) or vms file will need
	 * (rows times %GR_TABLE_ROW_MAX), for the seq_file buffer. Optional.
	 */
	size_t (*table_size)(struct gr_control *ctl, bool vms);
};

/* Longest line of the bos or vms file, for sizing their buffers. */
#define GR_TABLE_ROW_MAX	192

/**
 * struct gr_params - the knobs as reclaim reads them
 * @chain: the policy chain
 * @idle_threshold_ms: the idle_threshold_ms knob
 * @min_resident_mb: the min_resident_mb knob
 * @swapout_min_idle_ms: the swapout_min_idle_ms knob
 * @refault_protect_ms: the refault_protect_ms knob
 */
struct gr_params {
	struct gr_chain chain;
	u32 idle_threshold_ms;
	u32 min_resident_mb;
	u32 swapout_min_idle_ms;
	u32 refault_protect_ms;
};

/**
 * struct gr_knob_file - what a knob's debugfs file points to
 * @ctl: the device's control plane
 * @id: the knob
 */
struct gr_knob_file {
	struct gr_control *ctl;
	enum gr_knob_id id;
};

/**
 * struct gr_control - the control plane of one device
 *
 * Created by gr_control_create(); see DOC: Locking in gr_knobs.c.
 */
struct gr_control {
	/** @drm: the DRM device */
	struct drm_device *drm;
	/** @dev: its parent device, which holds the sysfs ``reclaim`` group */
	struct device *dev;
	/** @ops: the reclaim code's callbacks, or NULL */
	const struct gr_control_ops *ops;
	/** @priv: the creator's pointer, see gr_control_priv() */
	void *priv;

	/**
	 * @lock: serializes knob writers. Readers never take it: they load
	 * @val. Never taken in reclaim context.
	 */
	struct mutex lock;
	/**
	 * @val: the value of each knob (the policy chain packed by
	 * gr_chain_pack()); written under @lock, read locklessly.
	 */
	atomic64_t val[GR_KNOB_COUNT];

	/** @shrink_lock: serializes shrink requests, protects @shrink_freed */
	struct mutex shrink_lock;
	/** @shrink_freed: pages the last shrink request freed */
	unsigned long shrink_freed;

	/** @stats: the statistics */
	struct gr_stats stats;

	/** @debugfs: the debugfs ``reclaim`` directory, or NULL */
	struct dentry *debugfs;
	/** @files: what each knob's debugfs file points to */
	struct gr_knob_file files[GR_KNOB_COUNT];
	/** @sysfs: the sysfs group was created */
	bool sysfs;
	/** @node: link in the list of controls, under gr_controls_lock */
	struct list_head node;
};

void gr_control_setup(struct gr_control *ctl);
int gr_knob_write(struct gr_control *ctl, enum gr_knob_id id,
		  const char *buf, size_t len);

struct gr_control *gr_control_create(struct drm_device *drm,
				     const struct gr_control_ops *ops,
				     void *priv);
void gr_control_destroy(struct gr_control *ctl);
void gr_control_params(struct gr_control *ctl, struct gr_params *params);

/**
 * gr_control_priv() - the pointer given to gr_control_create()
 * @ctl: the control plane
 *
 * Returns: that pointer.
 */
static inline void *gr_control_priv(struct gr_control *ctl)
{
	return ctl->priv;
}

/**
 * gr_control_stats() - the statistics of a device
 * @ctl: the control plane
 *
 * Returns: the statistics, for gr_stats_add() and gr_stats_policy_add().
 */
static inline struct gr_stats *gr_control_stats(struct gr_control *ctl)
{
	return &ctl->stats;
}

#endif /* __GR_KNOBS_H__ */
