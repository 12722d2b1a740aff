# A kernel memory leak in one of our modules: kmemleak must catch it (debug kernel).
insmod /lib/modules/gemreclaim/gr_selftest.ko leak=1
