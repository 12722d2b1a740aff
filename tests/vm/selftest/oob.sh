# An out-of-bounds heap read in one of our modules: KASAN must report it (debug kernel).
insmod /lib/modules/gemreclaim/gr_selftest.ko oob=1
