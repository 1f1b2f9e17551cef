/* Processes, threads and file descriptor tables. */
#ifndef NTO_PROC_H
#define NTO_PROC_H

#include <nto/abi.h>
#include <nto/vfs.h>

struct mm;

struct fdtable {
	struct file **files;
	uint8_t *cloexec;
	int cap;
};

struct proc {
	pid_t pid, ppid, pgid, sid;
	struct fdtable fdt;
	char *cwd; /* canonical guest path */
	mode_t umask;
	struct rlimit rlim[RLIM_NLIMITS];
	struct ksigaction sigact[NSIG + 1];
	struct mm *mm;
	char *exe; /* guest path of the running program */
	char comm[16]; /* the name prctl(PR_SET_NAME) and /proc show */
	uptr arg_start, arg_end, env_start, env_end;
	ksigset_t pending;
	uint16_t rt_queued[NSIG + 1]; /* real-time signals queue, up to a limit */
};

struct thread {
	pid_t tid;
	struct proc *proc;
	ksigset_t sigmask;
	kstack_t altstack;
	uptr clear_child_tid;
	uptr robust_list;
	uint64_t tls;
	struct nto_regs *regs; /* saved user registers while in the core */
	bool regs_replaced;     /* the syscall rewrote regs (sigreturn, execve) */
};

/* The thread the core is serving. */
extern struct thread *current;

/* Descriptor helpers. All return -EBADF for a bad fd. */
struct file *fd_get(int fd); /* borrowed reference, or NULL */
int fd_install(struct file *f, int min_fd, bool cloexec); /* takes the reference */
int fd_close(int fd);
int fd_dup_to(int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* Creates the first process and thread. */
int proc_init_first(void);

/* Ends the process with a Linux wait status (exit code << 8, or signal). */
__noreturn void proc_exit(int wstatus);

/* Terminates the program for signal signo at addr (default action). */
__noreturn void proc_kill_by_signal(int signo, uint64_t addr, bool have_addr);

#endif
