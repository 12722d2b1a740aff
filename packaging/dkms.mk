# SPDX-License-Identifier: GPL-2.0
# Makefile of gemreclaim's DKMS source tree (packaging/dkms.mk in the
# gemreclaim repository; copied here as Makefile by packaging/dkms-source).
#
#   make [KVER=6.12.N-arch] [KDIR=/lib/modules/$KVER/build]   what dkms runs
#   make clean
#
# gem_reclaim.ko first, then panthor.ko against gem_reclaim's Module.symvers.
# panthor/ holds drivers/gpu/drm/panthor and include/uapi/drm/ from Linux
# 6.12 with the series already applied. Its uAPI headers must come ahead of
# the kernel headers' own include/uapi, which kbuild puts before ccflags-y:
# NOSTDINC_FLAGS is the one variable that comes first (as in
# kernel/panthor/build). ccflags-y adds include/ (drm/gem_reclaim.h).
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
JOBS ?= $(shell nproc)

RECLAIM := $(CURDIR)/kernel/reclaim
PANTHOR := $(CURDIR)/panthor/drivers/gpu/drm/panthor

all modules:
	$(MAKE) -j$(JOBS) -C $(KDIR) M=$(RECLAIM) modules
	$(MAKE) -j$(JOBS) -C $(KDIR) M=$(PANTHOR) CONFIG_DRM_PANTHOR=m \
		KBUILD_EXTRA_SYMBOLS=$(RECLAIM)/Module.symvers \
		NOSTDINC_FLAGS="-nostdinc -I$(CURDIR)/panthor/include/uapi" \
		ccflags-y="-I$(CURDIR)/include" \
		modules

clean:
	$(MAKE) -C $(KDIR) M=$(RECLAIM) clean
	$(MAKE) -C $(KDIR) M=$(PANTHOR) clean

.PHONY: all modules clean
