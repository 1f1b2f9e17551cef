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
	struct thread *threads;       /* every live thread */
	int nthreads;
};

enum thread_state { T_RUNNING, T_BLOCKED };

struct thread {
	pid_t tid;
	struct proc *proc;
	struct thread *next;    /* in proc->threads */
	enum thread_state state;
	bool killed;            /* another thread's execve ends this one */
	ksigset_t pending;      /* signals sent to this thread (tgkill) */
	ksigset_t saved_mask;   /* the mask to go back to after sigsuspend */
	bool restore_mask;
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

/* Allocates a process-unique id for a new thread or process. */
pid_t pid_alloc(void);

/* Creates thread tid of the current process that starts with regs (and
 * clears *clear_tid at its exit, if not 0). */
int thread_create(const struct nto_regs *regs, uint64_t tls, pid_t tid, uptr clear_tid,
		  struct thread **out);

/* Clears the thread's child-tid word and releases its robust futexes. */
void thread_exit_cleanup(struct thread *t);

/* Ends the calling thread; the last one ends the process with status. */
__noreturn void thread_exit(int status);

/* Finds a live thread of the current process by tid, or NULL. */
struct thread *thread_find(pid_t tid);

/* Creates the first process and thread, which then holds the core lock. */
int proc_init_first(void);

/* Ends the process with a Linux wait status (exit code << 8, or signal). */
__noreturn void proc_exit(int wstatus);

/* Terminates the program for signal signo at addr (default action). */
__noreturn void proc_kill_by_signal(int signo, uint64_t addr, bool have_addr);

#endif
