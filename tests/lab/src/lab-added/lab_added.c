// SPDX-License-Identifier: GPL-2.0
/* KmodPS lab: a trivial out-of-tree module that the lab only `dkms add`s. */
#include <linux/module.h>
#include <linux/init.h>

static int __init lab_added_init(void)
{
	pr_info("lab_added: loaded\n");
	return 0;
}

static void __exit lab_added_exit(void)
{
	pr_info("lab_added: unloaded\n");
}

module_init(lab_added_init);
module_exit(lab_added_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("KmodPS lab");
MODULE_DESCRIPTION("KmodPS lab module in DKMS state 'added'");
MODULE_VERSION("1.0");
