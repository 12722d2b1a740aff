# gemreclaim: top-level build. See README.md.
#
#   make            build the kernel modules and the userspace programs
#   make deps       install build/test dependencies, record the kernel version
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, build, show the system in a VM
#   make bench      run the benchmarks in a VM; results in build/bench/
#                   (BENCH=PATTERN: only tests/bench/PATTERN.sh, e.g. tabs)
#   make panthor    patch and build panthor.ko (6.12) in build/panthor/
#   make install    install modules and programs (DESTDIR, PREFIX)
#   make clean      leave the tree as cloned
#
# KVER=6.12.N+deb12-amd64 picks the Debian kernel (default: the newest 6.12
# the mirror offers, recorded in build/kver on first use); KDIR=/path builds
# the modules against another configured kernel tree.
TOP := $(CURDIR)
PREFIX ?= /usr/local
DESTDIR ?=

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

# panthor (Linux 6.12) with the kernel/panthor series, built out of tree
# against the 6.12 headers into build/panthor/; see kernel/panthor/README.md.
panthor: modules
	@kernel/panthor/build

install: all
	$(MAKE) -C kernel install DESTDIR=$(DESTDIR) $(if $(KDIR),KDIR=$(KDIR))
	@for d in $(USER_DIRS); do $(MAKE) -C $$d install $(SUBMAKE_USER) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) || exit 1; done

clean:
	-$(MAKE) -C kernel clean
	@for d in $(USER_DIRS); do $(MAKE) -C $$d clean $(SUBMAKE_USER); done
	rm -rf build

.PHONY: all deps modules userspace check demo bench panthor install clean
