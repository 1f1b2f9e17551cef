/* Boot: from the platform's hand-off to the program's first instruction. */
#include <nto/boot.h>
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/loader.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>

/* Exit statuses the launcher documents (as a shell would use them). */
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND   127
#define EXIT_BAD_BOOT    125

static int setup_files(const struct boot_config *cfg)
{
	int r = devfs_init();

	if (r == 0)
		r = procfs_init();
	for (int i = 0; r == 0 && i < cfg->nmounts; i++)
		r = hostfs_mount(cfg->mounts[i].guest, cfg->mounts[i].host_id, cfg->mounts[i].ro);
	for (int fd = 0; r == 0 && fd < 3; fd++) {
		struct file *f = console_open(fd, fd == 0 ? O_RDONLY : O_WRONLY);
		r = f ? fd_install(f, fd, false) : -ENOMEM;
		r = r < 0 ? r : 0;
	}
	return r;
}

static int set_cwd(const char *cwd)
{
	struct kstat st;
	char *canon;
	int r;

	if (!cwd)
		return 0;
	r = vfs_stat(AT_FDCWD, cwd, VFS_FOLLOW, &st);
	if (r < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	canon = kmalloc(PATH_MAX);
	if (!canon)
		return -ENOMEM;
	r = path_canon("/", cwd, canon);
	if (r < 0) {
		kfree(canon);
		return r;
	}
	kfree(current->proc->cwd);
	current->proc->cwd = canon;
	return 0;
}

__noreturn void core_main(const struct hal_boot *boot)
{
	static struct boot_config cfg;
	static struct nto_regs regs;
	const char *why;
	int r;

	kheap_init(boot->kheap_base, boot->kheap_size);
	mem_set_limit(boot->mem_limit);
	if (proc_init_first() < 0 || mm_init(current->proc->mm, boot->user_min, boot->user_max) < 0)
		kpanic("cannot set up the first process");
	r = boot_parse(boot->args, boot->args_size, &cfg);
	if (r < 0) {
		klog("malformed boot records from the launcher");
		hal_exit(EXIT_BAD_BOOT);
	}
	g_strace = cfg.flags & BOOT_F_STRACE;
	g_verbose = cfg.flags & BOOT_F_VERBOSE;
	r = tmpfs_mount_image(boot->image, boot->image_size);
	if (r < 0) {
		klog("the root image is malformed (%d)", r);
		hal_exit(EXIT_BAD_BOOT);
	}
	if (setup_files(&cfg) < 0 || set_cwd(cfg.cwd) < 0) {
		klog("cannot set up files or the working directory %s", cfg.cwd ? cfg.cwd : "/");
		hal_exit(EXIT_BAD_BOOT);
	}
	if (boot->measured) {
		char hex[65];
		for (int i = 0; i < 32; i++)
			ksnprintf(hex + 2 * i, 3, "%02x", boot->measurement[i]);
		kverbose("measurement in the TEE %s", hex);
	}
	kverbose("core up: %lu KiB of %lu MiB TEE memory in use", mem_used() >> 10,
		 mem_limit() >> 20);
	bool gone;
	r = exec_program(cfg.exec, cfg.argv, cfg.envp, &regs, &why, NULL, &gone);
	if (r < 0) {
		klog("cannot run %s: %s", cfg.argv[0], why ? why : r == -ENOENT ? "no such file" : r == -EACCES ? "permission denied" : "load failed");
		hal_exit(r == -ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
	}
	core_unlock();
	hal_enter_user(&regs);
}
