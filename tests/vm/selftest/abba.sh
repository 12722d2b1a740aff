# A lock-order inversion in one of our modules: lockdep must report it (debug kernel).
insmod /lib/modules/gemreclaim/gr_selftest.ko abba=1
