# gemreclaim: top-level build. See README.md.
#
#   make            build the kernel modules and the userspace programs
#   make deps       install build/test dependencies, record the kernel version
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, build, show the system in a VM
#   make bench      run the benchmarks in a VM; results in build/bench/
#                   (BENCH=PATTERN: only tests/bench/PATTERN.sh, e.g. tabs)
#   make systemd-test  only the test of the shipped unit and udev rule in a
#                   Debian guest with systemd as PID 1 (tests/systemd/README.md;
#                   make check runs it too)
#   make panthor    patch and build panthor.ko (6.12) in build/panthor/
#   make install    install gem_reclaim.ko and the programs (DESTDIR, PREFIX);
#                   depmod when DESTDIR is empty; keeps a changed config;
#                   INSTALL_TEST_MODULES=1 adds gpusim.ko and gr_selftest.ko
#   make install-panthor  build panthor, install it in /lib/modules/KVER/updates
#   make dkms-source      DKMS source tree in build/dkms/gemreclaim-VERSION
#                         (gem_reclaim + patched panthor; packaging/README.md)
#   make install-dkms     copy it to DESTDIR/usr/src/; without DESTDIR also
#                         dkms add + install (DKMS_KVER, default: running kernel)
#   make deb              Debian packages gemreclaim-daemon and gemreclaim-dkms
#                         in build/deb/ (dpkg-buildpackage; packaging/README.md)
#   make daemon-arm64     gemreclaimd + gemreclaimctl for arm64 (multiarch), unit
#                         tests under qemu-aarch64 (installs the :arm64 -dev
#                         packages and qemu-user)
#   make panthor-arm64    cross-build gem_reclaim.ko and panthor.ko for arm64, out
#                         of tree, then in tree with the core patch (installs
#                         gcc-aarch64-linux-gnu; kernel/panthor/README.md)
#   make clean      leave the tree as cloned
#
# KVER=6.12.N+deb12-amd64 picks the Debian kernel (default: the newest 6.12
# the mirror offers, recorded in build/kver on first use); KDIR=/path builds
# the modules against another configured kernel tree.
TOP := $(CURDIR)
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_TEST_MODULES ?=
# The kernel release `install` and `install-panthor` install for (depmod).
KREL = $(if $(KDIR),$(shell cat $(KDIR)/include/config/kernel.release),$(or $(KVER),$(shell cat build/kver)))
DEPMOD = $(if $(DESTDIR),@echo "depmod: not run with DESTDIR (the package's postinst runs it)",depmod -a $(KREL))

KERNEL_SRCS := $(shell find kernel include -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) 2>/dev/null)
SUBMAKE_USER := O=$(TOP)/build/$$d BINDIR=$(TOP)/build/bin
USER_DIRS := tools $(if $(wildcard daemon/Makefile),daemon)

all: modules userspace

# The deps step runs every time; without apt work it takes a fraction of a
# second and rewrites build/kver only when the chosen kernel changes.
deps:
	@scripts/deps

build/kver: deps

modules: build/modules.stamp

build/modules.stamp: $(KERNEL_SRCS) build/kver
	$(MAKE) -C kernel $(if $(KDIR),KDIR=$(KDIR))
	@touch $@

userspace: build/kver
	@for d in $(USER_DIRS); do $(MAKE) --no-print-directory -C $$d $(SUBMAKE_USER) || exit 1; done

check: all
	@tests/check

demo: all
	@scripts/demo

bench: all
	@scripts/bench $(BENCH)

# tests/check runs it too; see tests/systemd/README.md. Exit 77 of
# tests/vm/run (no Debian mirror to build the image) is a skip, not a failure.
systemd-test: all
	@rc=0; tests/vm/run $$(sed -n 's/^# vm: //p' tests/systemd/systemd.sh) \
		tests/systemd/systemd.sh || rc=$$?; \
	if [ $$rc = 77 ]; then echo "systemd-test: SKIPPED"; exit 0; fi; exit $$rc

# panthor (Linux 6.12) with the kernel/panthor series, built out of tree
# against the 6.12 headers into build/panthor/; see kernel/panthor/README.md.
panthor: modules
	@kernel/panthor/build

# kbuild's modules_install runs depmod only with a System.map, which the
# headers package lacks: depmod is run here (not with DESTDIR). Userspace
# folders without an install target (tools/: programs for the test guest)
# are skipped.
# gem_reclaim only; INSTALL_TEST_MODULES=1 also installs gpusim and
# gr_selftest (the test guest's modules). An existing, locally changed
# gemreclaimd.conf is kept (the new default goes next to it as .conf.new).
install: all
	$(MAKE) -C kernel install DESTDIR=$(DESTDIR) $(if $(KDIR),KDIR=$(KDIR)) \
		INSTALL_TEST_MODULES=$(INSTALL_TEST_MODULES)
	$(DEPMOD)
	@for d in $(USER_DIRS); do \
		grep -q '^install:' $$d/Makefile || continue; \
		$(MAKE) -C $$d install $(SUBMAKE_USER) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) || exit 1; \
	done
	@echo; echo "Installed$(if $(DESTDIR), into $(DESTDIR) (run these on the target)). Next steps, as root:"; \
	echo "  systemctl daemon-reload                 # load gemreclaimd.service"; \
	echo "  udevadm control --reload                # load 70-gemreclaim.rules"; \
	echo "  systemctl enable --now gemreclaimd      # start at boot, and now"; \
	echo "  (udev also starts it when a reclaim-capable DRM card appears)"

# Integrators' packaging (packaging/README.md). install-panthor rebuilds the
# whole series first (make panthor), so a build of a prefix (-n N) is never
# what gets installed.
install-panthor: panthor
	$(MAKE) -C $(or $(KDIR),/lib/modules/$(KREL)/build) \
		M=$(TOP)/build/panthor/src/drivers/gpu/drm/panthor \
		INSTALL_MOD_PATH=$(DESTDIR) modules_install
	$(DEPMOD)

dkms-source: build/kver
	@packaging/dkms-source

install-dkms: dkms-source
	@packaging/install-dkms

deb: build/kver
	@packaging/deb

# The daemon for arm64 boards: multiarch cross-build, unit tests under
# qemu-user (packaging/README.md, "arm64").
ARM64_DAEMON_PKGS := gcc-aarch64-linux-gnu libc6-dev:arm64 libconfig-dev:arm64 \
	libudev-dev:arm64 libsystemd-dev:arm64 libcmocka-dev:arm64 qemu-user file
daemon-arm64: build/kver
	@scripts/deps $(addprefix --with ,$(ARM64_DAEMON_PKGS))
	@packaging/daemon-arm64

panthor-arm64: build/kver
	@scripts/deps --with gcc-aarch64-linux-gnu --with libdrm-dev:arm64 --with file
	@packaging/panthor-arm64

clean:
	-$(MAKE) -C kernel clean
	@for d in $(USER_DIRS); do $(MAKE) -C $$d clean $(SUBMAKE_USER); done
	rm -rf build

.PHONY: all deps modules userspace check demo bench systemd-test panthor install clean \
	install-panthor dkms-source install-dkms deb daemon-arm64 panthor-arm64
