// SPDX-License-Identifier: GPL-2.0-only
/*
 * gem_reclaim: the reclaim knobs of a device, in sysfs and debugfs, and the
 * debugfs observability files.
 */

/**
 * DOC: Knobs
 *
 * Every knob is one entry of gr_knobs[]: name, mode, unit, range, built-in
 * default, a parser and a formatter. From that one table come
 *
 * - the sysfs attribute group ``reclaim`` on the DRM device's parent device,
 *   i.e. /sys/class/drm/card<N>/device/reclaim/<knob>, the stable interface;
 * - the files of the debugfs directory dri/<minor>/reclaim/ (which also holds
 *   ``stats``, ``bos``, ``vms`` and ``shrink``);
 * - a read-only module parameter per writable knob, the boot-time default of
 *   the devices created afterwards (gem_reclaim.<knob>=<value>), validated by
 *   the same parser: an invalid value makes loading the module fail.
 *
 * Both views call gr_knob_write() with the whole text of one write. A value
 * is accepted whole or not at all: on any error (-EINVAL malformed, unknown
 * or repeated policy, overlong; -ERANGE out of range; -EPERM read-only knob)
 * nothing changes, and nothing is logged above debug level. In debugfs, a
 * write at a non-zero offset (the continuation of an earlier write on the
 * same open file) or longer than a page is -EINVAL; sysfs hands every write
 * to the parser on its own and truncates it to a page, which the parser
 * then rejects as overlong.
 *
 * The ABI, knob by knob, is in kernel/reclaim/sysfs-class-drm-reclaim.
 */

/**
 * DOC: Locking
 *
 * Reclaim reads the knobs from the shrinker, in reclaim context, where it
 * must never wait for a knob writer (who may itself be allocating memory).
 * So readers take no lock at all:
 *
 * - every knob's value is one 64-bit word, &gr_control.val[id], read with
 *   atomic64_read(); the policy chain is packed into its word by
 *   gr_chain_pack(), so a reader sees either the old or the new chain,
 *   whole, never a mix;
 * - a value is validated completely before it is stored, with one
 *   atomic64_set(), so no reader sees a value that failed validation;
 * - gr_control_params() reads each knob once into a &struct gr_params. The
 *   knobs are independent: the snapshot is atomic per knob, not across
 *   knobs (a pass may see a new threshold with the old chain).
 *
 * Writers are serialized by &gr_control.lock (a mutex, process context
 * only): concurrent writes of the same knob are applied one after the
 * other, and the value that stays is one that was written whole.
 *
 * Shrink requests are serialized by &gr_control.shrink_lock, held across the
 * &gr_control_ops.shrink call; reclaim never takes it. Reading the result
 * of the last request takes no lock.
 *
 * Lifetime: the sysfs attributes are shared by all devices and find their
 * &struct gr_control by device in a global list under gr_controls_lock.
 * gr_control_destroy() removes the debugfs files and the sysfs group first;
 * both removals wait for the file operations in progress, so no callback
 * can run on a freed control afterwards.
 */

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>

#include <kunit/visibility.h>

#include "gr_internal.h"
#include "gr_knobs.h"

static int gr_knob_parse_chain(const struct gr_knob *knob, const char *buf,
			       size_t len, u64 *val)
{
	struct gr_chain chain;
	int ret;

	ret = gr_chain_parse(buf, len, &chain);
	if (ret)
		return ret;
	*val = gr_chain_pack(&chain);
	return 0;
}

static int gr_knob_show_chain(const struct gr_knob *knob, u64 val, char *buf,
			      size_t size)
{
	struct gr_chain chain;

	gr_chain_unpack(val, &chain);
	return gr_chain_format(&chain, buf, size);
}

static int gr_knob_show_policies(const struct gr_knob *knob, u64 val,
				 char *buf, size_t size)
{
	return gr_policies_format(buf, size);
}

/* Decimal only, an optional trailing newline, nothing else (kstrtou64). */
static int gr_knob_parse_u64(const struct gr_knob *knob, const char *buf,
			     size_t len, u64 *val)
{
	u64 v;
	int ret;

	/* kstrtou64() would take a leading '+' */
	if (!len || !isdigit(buf[0]))
		return -EINVAL;
	ret = kstrtou64(buf, 10, &v);
	if (ret)
		return ret;
	if (v < knob->min || v > knob->max)
		return -ERANGE;
	*val = v;
	return 0;
}

static int gr_knob_show_u64(const struct gr_knob *knob, u64 val, char *buf,
			    size_t size)
{
	return scnprintf(buf, size, "%llu", val);
}

#define GR_DOC_POLICY \
	"ordered policy chain, space-separated names from available_policies; empty disables reclaim"
#define GR_DOC_IDLE_THRESHOLD_MS \
	"how long a VM must be idle before its BOs may be swapped out (ms)"
#define GR_DOC_MIN_RESIDENT_MB \
	"BO memory of the device that reclaim leaves resident (MiB)"
#define GR_DOC_SWAPOUT_MIN_IDLE_MS \
	"how long a VM must be idle before swapout may take its BOs (ms)"
#define GR_DOC_REFAULT_PROTECT_MS \
	"longest reuse interval of a VM whose restore protects it, and the protection's half-life (ms, 0: off)"

const struct gr_knob gr_knobs[GR_KNOB_COUNT] = {
	[GR_KNOB_POLICY] = {
		.name = "policy",
		.mode = 0644,
		.def = "discard idle-vm-first swapout",
		.doc = GR_DOC_POLICY,
		.parse = gr_knob_parse_chain,
		.show = gr_knob_show_chain,
	},
	[GR_KNOB_AVAILABLE_POLICIES] = {
		.name = "available_policies",
		.mode = 0444,
		.doc = "the policies this kernel knows, in table order",
		.show = gr_knob_show_policies,
	},
	[GR_KNOB_IDLE_THRESHOLD_MS] = {
		.name = "idle_threshold_ms",
		.mode = 0644,
		.unit = "ms",
		.min = 0,
		.max = 86400000,	/* one day */
		.def = "5000",
		.doc = GR_DOC_IDLE_THRESHOLD_MS,
		.parse = gr_knob_parse_u64,
		.show = gr_knob_show_u64,
	},
	[GR_KNOB_MIN_RESIDENT_MB] = {
		.name = "min_resident_mb",
		.mode = 0644,
		.unit = "MiB",
		.min = 0,
		.max = 1048576,		/* 1 TiB */
		.def = "0",
		.doc = GR_DOC_MIN_RESIDENT_MB,
		.parse = gr_knob_parse_u64,
		.show = gr_knob_show_u64,
	},
	[GR_KNOB_SWAPOUT_MIN_IDLE_MS] = {
		.name = "swapout_min_idle_ms",
		.mode = 0644,
		.unit = "ms",
		.min = 0,
		.max = 86400000,	/* one day */
		.def = "0",
		.doc = GR_DOC_SWAPOUT_MIN_IDLE_MS,
		.parse = gr_knob_parse_u64,
		.show = gr_knob_show_u64,
	},
	[GR_KNOB_REFAULT_PROTECT_MS] = {
		.name = "refault_protect_ms",
		.mode = 0644,
		.unit = "ms",
		.min = 0,
		.max = 86400000,	/* one day */
		.def = "0",
		.doc = GR_DOC_REFAULT_PROTECT_MS,
		.parse = gr_knob_parse_u64,
		.show = gr_knob_show_u64,
	},
};
EXPORT_SYMBOL_IF_KUNIT(gr_knobs);

/**
 * gr_knob_parse() - validate the text of a knob
 * @id: the knob
 * @buf: the text, NUL-terminated, possibly with a trailing newline
 * @len: its length, without the NUL
 * @val: receives the value to store; untouched on error
 *
 * Returns: 0 on success, -EPERM for a read-only knob, -EINVAL if the text
 * is malformed, contains a NUL or is GR_KNOB_TEXT_MAX bytes or longer,
 * -ERANGE if the value is out of range.
 */
int gr_knob_parse(enum gr_knob_id id, const char *buf, size_t len, u64 *val)
{
	const struct gr_knob *knob = &gr_knobs[id];

	if (!knob->parse)
		return -EPERM;
	if (len >= GR_KNOB_TEXT_MAX || strnlen(buf, len) != len)
		return -EINVAL;
	return knob->parse(knob, buf, len, val);
}
EXPORT_SYMBOL_IF_KUNIT(gr_knob_parse);

/**
 * gr_knob_show() - the text of a knob value
 * @id: the knob
 * @val: the value, as gr_knob_parse() produced it
 * @buf: receives the text, without a newline
 * @size: size of @buf, at least GR_KNOB_TEXT_MAX
 *
 * Returns: the number of characters written, without the NUL.
 */
int gr_knob_show(enum gr_knob_id id, u64 val, char *buf, size_t size)
{
	return gr_knobs[id].show(&gr_knobs[id], val, buf, size);
}
EXPORT_SYMBOL_IF_KUNIT(gr_knob_show);

/*
 * Module parameters: the boot-time defaults. Read-only once loaded, so
 * gr_control_setup() reads them without a lock.
 */
static struct gr_knob_boot {
	bool set;
	u64 val;
} gr_knob_boot[GR_KNOB_COUNT] __read_mostly;

static int gr_param_set(const char *text, const struct kernel_param *kp)
{
	struct gr_knob_boot *boot = kp->arg;
	enum gr_knob_id id = boot - gr_knob_boot;
	u64 val;
	int ret;

	ret = gr_knob_parse(id, text, strlen(text), &val);
	if (ret)
		return ret;
	boot->val = val;
	boot->set = true;
	return 0;
}

static int gr_param_get(char *buf, const struct kernel_param *kp)
{
	struct gr_knob_boot *boot = kp->arg;
	enum gr_knob_id id = boot - gr_knob_boot;
	u64 val = 0;
	int n;

	if (boot->set)
		val = boot->val;
	else if (gr_knobs[id].def)
		gr_knob_parse(id, gr_knobs[id].def, strlen(gr_knobs[id].def), &val);
	n = gr_knob_show(id, val, buf, PAGE_SIZE - 1);
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

static const struct kernel_param_ops gr_param_ops = {
	.set = gr_param_set,
	.get = gr_param_get,
};

/*
 * The kernel's bool parameters look at the first letters only
 * ("nonsense" turns one off); ours take the words kstrtobool() means (1,
 * y, yes, on, true; 0, n, no, off, false; any case, with or without a
 * newline) and refuse the rest, changing nothing.
 */
static int gr_param_set_bool(const char *text, const struct kernel_param *kp)
{
	static const char *const words[] = {
		"1", "y", "yes", "on", "true", "0", "n", "no", "off", "false",
	};
	size_t len;
	int i;

	if (!text)	/* the bare name on the command line: on */
		return param_set_bool(text, kp);
	len = strlen(text);
	if (len && text[len - 1] == '\n')
		len--;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (len == strlen(words[i]) && !strncasecmp(text, words[i], len))
			return param_set_bool(text, kp);
	return -EINVAL;
}

const struct kernel_param_ops gr_param_bool_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = gr_param_set_bool,
	.get = param_get_bool,
};

module_param_cb(policy, &gr_param_ops, &gr_knob_boot[GR_KNOB_POLICY], 0444);
MODULE_PARM_DESC(policy, GR_DOC_POLICY);
module_param_cb(idle_threshold_ms, &gr_param_ops,
		&gr_knob_boot[GR_KNOB_IDLE_THRESHOLD_MS], 0444);
MODULE_PARM_DESC(idle_threshold_ms, GR_DOC_IDLE_THRESHOLD_MS);
module_param_cb(min_resident_mb, &gr_param_ops,
		&gr_knob_boot[GR_KNOB_MIN_RESIDENT_MB], 0444);
MODULE_PARM_DESC(min_resident_mb, GR_DOC_MIN_RESIDENT_MB);
module_param_cb(swapout_min_idle_ms, &gr_param_ops,
		&gr_knob_boot[GR_KNOB_SWAPOUT_MIN_IDLE_MS], 0444);
MODULE_PARM_DESC(swapout_min_idle_ms, GR_DOC_SWAPOUT_MIN_IDLE_MS);
module_param_cb(refault_protect_ms, &gr_param_ops,
		&gr_knob_boot[GR_KNOB_REFAULT_PROTECT_MS], 0444);
MODULE_PARM_DESC(refault_protect_ms, GR_DOC_REFAULT_PROTECT_MS);

/**
 * gr_control_setup() - initialise the locks, knobs and statistics of a
 * control plane
 * @ctl: the control plane, zeroed
 *
 * Every knob starts at its module parameter if one was given, else at its
 * built-in default. Creates no file: gr_control_create() does.
 */
void gr_control_setup(struct gr_control *ctl)
{
	const struct gr_knob *knob;
	unsigned int i;
	u64 val;

	mutex_init(&ctl->lock);
	mutex_init(&ctl->shrink_lock);
	for (i = 0; i < GR_KNOB_COUNT; i++) {
		knob = &gr_knobs[i];
		val = 0;
		if (gr_knob_boot[i].set)
			val = gr_knob_boot[i].val;
		else if (knob->def)
			gr_knob_parse(i, knob->def, strlen(knob->def), &val);
		atomic64_set(&ctl->val[i], val);
	}
	gr_stats_init(&ctl->stats);
}
EXPORT_SYMBOL_IF_KUNIT(gr_control_setup);

/**
 * gr_knob_write() - set a knob from text
 * @ctl: the control plane
 * @id: the knob
 * @buf: the text, NUL-terminated
 * @len: its length, without the NUL
 *
 * On error nothing changes; see DOC: Knobs.
 *
 * Returns: 0 on success, else as gr_knob_parse().
 */
int gr_knob_write(struct gr_control *ctl, enum gr_knob_id id,
		  const char *buf, size_t len)
{
	u64 val;
	int ret;

	ret = gr_knob_parse(id, buf, len, &val);
	if (ret) {
		pr_debug("reclaim: %s: rejected a %zu-byte write: %d\n",
			 gr_knobs[id].name, len, ret);
		return ret;
	}
	mutex_lock(&ctl->lock);
	atomic64_set(&ctl->val[id], val);
	mutex_unlock(&ctl->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gr_knob_write);

/**
 * gr_control_params() - read the knobs, for reclaim
 * @ctl: the control plane
 * @params: receives the knobs
 *
 * Takes no lock and never sleeps; callable in reclaim context. See
 * DOC: Locking for what the snapshot guarantees.
 */
void gr_control_params(struct gr_control *ctl, struct gr_params *params)
{
	gr_chain_unpack(atomic64_read(&ctl->val[GR_KNOB_POLICY]),
			&params->chain);
	params->idle_threshold_ms =
		atomic64_read(&ctl->val[GR_KNOB_IDLE_THRESHOLD_MS]);
	params->min_resident_mb =
		atomic64_read(&ctl->val[GR_KNOB_MIN_RESIDENT_MB]);
	params->swapout_min_idle_ms =
		atomic64_read(&ctl->val[GR_KNOB_SWAPOUT_MIN_IDLE_MS]);
	params->refault_protect_ms =
		atomic64_read(&ctl->val[GR_KNOB_REFAULT_PROTECT_MS]);
}
EXPORT_SYMBOL_IF_KUNIT(gr_control_params);

/* The current text of a knob. */
static int gr_knob_text(struct gr_control *ctl, enum gr_knob_id id,
			char *buf, size_t size)
{
	return gr_knob_show(id, atomic64_read(&ctl->val[id]), buf, size);
}

/* sysfs ------------------------------------------------------------------ */

static LIST_HEAD(gr_controls);
static DEFINE_MUTEX(gr_controls_lock);

/**
 * struct gr_knob_attr - the sysfs attribute of a knob
 * @attr: the attribute
 * @id: the knob
 */
struct gr_knob_attr {
	struct device_attribute attr;
	enum gr_knob_id id;
};

static struct gr_knob_attr gr_knob_attrs[GR_KNOB_COUNT];
/* The knobs, the shrink file, NULL */
static struct attribute *gr_knob_attr_list[GR_KNOB_COUNT + 2];
static const struct attribute_group gr_knob_group = {
	.name = "reclaim",
	.attrs = gr_knob_attr_list,
};

static struct gr_control *gr_control_find_locked(struct device *dev)
{
	struct gr_control *ctl;

	lockdep_assert_held(&gr_controls_lock);
	list_for_each_entry(ctl, &gr_controls, node)
		if (ctl->dev == dev)
			return ctl;
	return NULL;
}

/*
 * The control of a device whose sysfs group is being accessed. It cannot
 * go away during the access: gr_control_destroy() removes the group first.
 */
static struct gr_control *gr_control_find(struct device *dev)
{
	struct gr_control *ctl;

	mutex_lock(&gr_controls_lock);
	ctl = gr_control_find_locked(dev);
	mutex_unlock(&gr_controls_lock);
	return ctl;
}

static ssize_t gr_knob_sysfs_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct gr_knob_attr *ka = container_of(attr, struct gr_knob_attr, attr);
	struct gr_control *ctl = gr_control_find(dev);
	char text[GR_KNOB_TEXT_MAX];

	if (!ctl)
		return -ENODEV;
	gr_knob_text(ctl, ka->id, text, sizeof(text));
	return sysfs_emit(buf, "%s\n", text);
}

static ssize_t gr_knob_sysfs_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	struct gr_knob_attr *ka = container_of(attr, struct gr_knob_attr, attr);
	struct gr_control *ctl = gr_control_find(dev);
	int ret;

	if (!ctl)
		return -ENODEV;
	ret = gr_knob_write(ctl, ka->id, buf, count);
	return ret ?: count;
}

/*
 * One shrink request, from either view: parse, run it serialized, keep
 * its result for reads. Returns: pages freed, or a negative error.
 */
static long gr_control_shrink(struct gr_control *ctl, const char *buf,
			      size_t len, unsigned long *asked)
{
	unsigned long pages, freed = 0;
	pid_t tgid;
	int ret;

	if (!ctl->ops || !ctl->ops->shrink)
		return -EOPNOTSUPP;
	ret = gr_shrink_parse(buf, len, &pages, &tgid);
	if (ret)
		return ret;
	ret = mutex_lock_killable(&ctl->shrink_lock);
	if (ret)
		return ret;
	ret = ctl->ops->shrink(ctl, pages, tgid, &freed);
	WRITE_ONCE(ctl->shrink_freed, freed);
	mutex_unlock(&ctl->shrink_lock);
	*asked = pages;
	return ret ?: (long)min_t(unsigned long, freed, LONG_MAX);
}

static ssize_t shrink_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct gr_control *ctl = gr_control_find(dev);

	if (!ctl)
		return -ENODEV;
	return sysfs_emit(buf, "%lu\n", READ_ONCE(ctl->shrink_freed));
}

/*
 * The sysfs view of the shrink file works where debugfs writes do not
 * (kernel lockdown); like memory.reclaim, a request that freed less than
 * it asked fails with -EAGAIN, its result readable all the same.
 */
static ssize_t shrink_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct gr_control *ctl = gr_control_find(dev);
	unsigned long asked = 0;
	long freed;

	if (!ctl)
		return -ENODEV;
	freed = gr_control_shrink(ctl, buf, count, &asked);
	if (freed < 0)
		return freed;
	return (unsigned long)freed < asked ? -EAGAIN : count;
}
static DEVICE_ATTR_RW(shrink);

/* Fill the attributes from gr_knobs[], once. */
static void gr_knob_attrs_init_locked(void)
{
	struct gr_knob_attr *ka;
	unsigned int i;

	lockdep_assert_held(&gr_controls_lock);
	if (gr_knob_attr_list[0])
		return;
	for (i = 0; i < GR_KNOB_COUNT; i++) {
		ka = &gr_knob_attrs[i];
		sysfs_attr_init(&ka->attr.attr);
		ka->attr.attr.name = gr_knobs[i].name;
		ka->attr.attr.mode = gr_knobs[i].mode;
		ka->attr.show = gr_knob_sysfs_show;
		if (gr_knobs[i].parse)
			ka->attr.store = gr_knob_sysfs_store;
		ka->id = i;
		gr_knob_attr_list[i] = &ka->attr.attr;
	}
	gr_knob_attr_list[GR_KNOB_COUNT] = &dev_attr_shrink.attr;
}

/* debugfs ---------------------------------------------------------------- */

/*
 * Reads go through seq_file, which formats the value once per read
 * sequence: a reader using small reads still gets one whole value, never
 * the start of one value and the end of the next.
 */
static int gr_knob_debugfs_show(struct seq_file *m, void *unused)
{
	const struct gr_knob_file *kf = m->private;
	char text[GR_KNOB_TEXT_MAX];

	gr_knob_text(kf->ctl, kf->id, text, sizeof(text));
	seq_printf(m, "%s\n", text);
	return 0;
}

static int gr_knob_debugfs_open(struct inode *inode, struct file *file)
{
	return single_open(file, gr_knob_debugfs_show, inode->i_private);
}

/*
 * The whole text of one write(), or -EINVAL for a continuation (*ppos != 0)
 * or a write longer than a page. The caller frees it.
 */
static char *gr_debugfs_copy_write(const char __user *ubuf, size_t len,
				   loff_t *ppos)
{
	if (*ppos || len > PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, len);
}

static ssize_t gr_knob_debugfs_write(struct file *file,
				     const char __user *ubuf, size_t len,
				     loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	const struct gr_knob_file *kf = m->private;
	char *buf;
	int ret;

	if (!len)
		return 0;
	buf = gr_debugfs_copy_write(ubuf, len, ppos);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = gr_knob_write(kf->ctl, kf->id, buf, len);
	kfree(buf);
	if (ret)
		return ret;
	*ppos += len;
	return len;
}

static const struct file_operations gr_knob_fops = {
	.owner = THIS_MODULE,
	.open = gr_knob_debugfs_open,
	.read = seq_read,
	.write = gr_knob_debugfs_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int gr_stats_show(struct seq_file *m, void *unused)
{
	struct gr_control *ctl = m->private;

	gr_stats_print(&ctl->stats, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gr_stats);

static int gr_bos_show(struct seq_file *m, void *unused)
{
	struct gr_control *ctl = m->private;

	if (!ctl->ops || !ctl->ops->bos_show)
		return -EOPNOTSUPP;
	gr_bos_print_header(m);
	return ctl->ops->bos_show(ctl, m);
}

/* One buffer big enough for the table: seq_file then shows it once. */
static int gr_table_open(struct inode *inode, struct file *file,
			 int (*show)(struct seq_file *, void *), bool vms)
{
	struct gr_control *ctl = inode->i_private;
	size_t size = PAGE_SIZE;

	if (ctl->ops && ctl->ops->table_size)
		size = max(size, ctl->ops->table_size(ctl, vms));
	return single_open_size(file, show, ctl, size);
}

static int gr_bos_open(struct inode *inode, struct file *file)
{
	return gr_table_open(inode, file, gr_bos_show, false);
}

static const struct file_operations gr_bos_fops = {
	.owner = THIS_MODULE,
	.open = gr_bos_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int gr_vms_show(struct seq_file *m, void *unused)
{
	struct gr_control *ctl = m->private;

	if (!ctl->ops || !ctl->ops->vms_show)
		return -EOPNOTSUPP;
	gr_vms_print_header(m);
	return ctl->ops->vms_show(ctl, m);
}

static int gr_vms_open(struct inode *inode, struct file *file)
{
	return gr_table_open(inode, file, gr_vms_show, true);
}

static const struct file_operations gr_vms_fops = {
	.owner = THIS_MODULE,
	.open = gr_vms_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int gr_shrink_show(struct seq_file *m, void *unused)
{
	struct gr_control *ctl = m->private;

	seq_printf(m, "%lu\n", READ_ONCE(ctl->shrink_freed));
	return 0;
}

static int gr_shrink_open(struct inode *inode, struct file *file)
{
	return single_open(file, gr_shrink_show, inode->i_private);
}

static ssize_t gr_shrink_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct gr_control *ctl = m->private;
	unsigned long asked;
	long freed;
	char *buf;

	if (!ctl->ops || !ctl->ops->shrink)
		return -EOPNOTSUPP;
	buf = gr_debugfs_copy_write(ubuf, len, ppos);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	freed = gr_control_shrink(ctl, buf, len, &asked);
	kfree(buf);
	if (freed < 0)
		return freed;
	*ppos += len;
	return len;
}

static const struct file_operations gr_shrink_fops = {
	.owner = THIS_MODULE,
	.open = gr_shrink_open,
	.read = seq_read,
	.write = gr_shrink_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void gr_control_debugfs_init(struct gr_control *ctl)
{
	struct dentry *root = ctl->drm->debugfs_root;
	unsigned int i;

	if (IS_ERR_OR_NULL(root))
		return;
	ctl->debugfs = debugfs_create_dir("reclaim", root);
	for (i = 0; i < GR_KNOB_COUNT; i++) {
		ctl->files[i].ctl = ctl;
		ctl->files[i].id = i;
		debugfs_create_file(gr_knobs[i].name, gr_knobs[i].mode,
				    ctl->debugfs, &ctl->files[i], &gr_knob_fops);
	}
	debugfs_create_file("stats", 0444, ctl->debugfs, ctl, &gr_stats_fops);
	debugfs_create_file("bos", 0444, ctl->debugfs, ctl, &gr_bos_fops);
	debugfs_create_file("vms", 0444, ctl->debugfs, ctl, &gr_vms_fops);
	debugfs_create_file("shrink", 0644, ctl->debugfs, ctl, &gr_shrink_fops);
}

/**
 * gr_control_create() - create the control plane of a DRM device
 * @drm: the DRM device; drm->dev must be set (it carries the sysfs group)
 * @ops: the reclaim code's callbacks, or NULL; must outlive the control
 * @priv: any pointer, returned by gr_control_priv()
 *
 * Sets the knobs to their defaults, creates the sysfs group
 * /sys/class/drm/card<N>/device/reclaim/ and, if the device has a debugfs
 * directory, dri/<minor>/reclaim/. May be called before drm_dev_register():
 * the sysfs group hangs on the parent device and the debugfs directory on
 * the device's debugfs root, which both exist from drm_dev_init() on.
 *
 * Returns: the control plane, or an ERR_PTR: -EINVAL if @drm has no parent
 * device, -EEXIST if that device has a control plane already, -ENOMEM, or
 * the error of sysfs_create_group().
 */
struct gr_control *gr_control_create(struct drm_device *drm,
				     const struct gr_control_ops *ops,
				     void *priv)
{
	struct gr_control *ctl;
	int ret;

	if (!drm->dev)
		return ERR_PTR(-EINVAL);
	ctl = kzalloc(sizeof(*ctl), GFP_KERNEL);
	if (!ctl)
		return ERR_PTR(-ENOMEM);
	gr_control_setup(ctl);
	ctl->drm = drm;
	ctl->dev = drm->dev;
	ctl->ops = ops;
	ctl->priv = priv;

	mutex_lock(&gr_controls_lock);
	if (gr_control_find_locked(ctl->dev)) {
		mutex_unlock(&gr_controls_lock);
		ret = -EEXIST;
		goto err_free;
	}
	gr_knob_attrs_init_locked();
	list_add_tail(&ctl->node, &gr_controls);
	mutex_unlock(&gr_controls_lock);

	ret = sysfs_create_group(&ctl->dev->kobj, &gr_knob_group);
	if (ret)
		goto err_unlist;
	ctl->sysfs = true;

	gr_control_debugfs_init(ctl);
	return ctl;

err_unlist:
	mutex_lock(&gr_controls_lock);
	list_del(&ctl->node);
	mutex_unlock(&gr_controls_lock);
err_free:
	mutex_destroy(&ctl->shrink_lock);
	mutex_destroy(&ctl->lock);
	kfree(ctl);
	return ERR_PTR(ret);
}

/**
 * gr_control_destroy() - remove the control plane of a DRM device
 * @ctl: the control plane, or NULL or an ERR_PTR (then nothing happens)
 *
 * Removes the debugfs files and the sysfs group, waiting for the reads and
 * writes in progress (a shrink request included), then frees @ctl. Must be
 * called before the DRM device's debugfs directory goes away (before the
 * last drm_dev_put()), and without holding a lock that
 * &gr_control_ops.shrink takes.
 */
void gr_control_destroy(struct gr_control *ctl)
{
	if (IS_ERR_OR_NULL(ctl))
		return;
	debugfs_remove_recursive(ctl->debugfs);
	if (ctl->sysfs)
		sysfs_remove_group(&ctl->dev->kobj, &gr_knob_group);
	mutex_lock(&gr_controls_lock);
	list_del(&ctl->node);
	mutex_unlock(&gr_controls_lock);
	mutex_destroy(&ctl->shrink_lock);
	mutex_destroy(&ctl->lock);
	kfree(ctl);
}
