/* Processes, threads and file descriptor tables. */
#ifndef NTO_PROC_H
#define NTO_PROC_H

#include <nto/abi.h>
#include <nto/vfs.h>

struct mm;
struct ktimer;

struct fdtable {
	struct file **files;
	uint8_t *cloexec;
	int cap;
};

/* What a pending signal carries into its siginfo (the union part of
 * Linux's siginfo_t, at the same offsets). */
struct ksiginfo {
	int32_t code; /* si_code */
	union {
		struct {
			int32_t pid;  /* si_pid (a timer's si_tid) */
			int32_t uid;  /* si_uid (a timer's si_overrun) */
			uint64_t val; /* si_status of SIGCHLD, or si_value */
		};
		uint64_t addr; /* si_addr of a fault */
	};
};

/* Signals waiting for delivery, with what each carries (one siginfo per
 * signal: repeats of a real-time signal share the last one's). */
/* A real-time signal's instance beyond the first, waiting its turn. */
struct sigqueued {
	struct sigqueued *next;
	int signo;
	struct ksiginfo info;
};

struct sigpending {
	ksigset_t set;
	uint16_t queued[NSIG + 1]; /* repeats of a real-time signal, up to a limit */
	struct ksiginfo info[NSIG + 1]; /* each pending signal's (first) siginfo */
	struct sigqueued *more;         /* the repeats, oldest first, each with its own */
};

enum proc_state { PS_ALIVE, PS_ZOMBIE };

/* Wait events of a child not yet collected by its parent (proc->report). */
#define REPORT_STOPPED   1
#define REPORT_CONTINUED 2

struct proc {
	pid_t pid, ppid, pgid, sid;
	struct proc *parent; /* NULL for pid 1 */
	struct proc *next;   /* in the process table, oldest first */
	enum proc_state state;
	bool exiting;        /* exit_group or a fatal signal: its threads are ending */
	int wstatus;         /* Linux wait status, set once exiting */
	int exit_signal;     /* sent to the parent at exit (clone's low byte; 0: none) */
	bool did_exec;       /* has called execve since fork (setpgid: EACCES) */
	bool subreaper;      /* PR_SET_CHILD_SUBREAPER */
	int pdeath_sig;      /* PR_SET_PDEATHSIG: sent when the parent is gone */
	bool stopped;        /* by SIGSTOP & co. until SIGCONT or SIGKILL */
	int stop_sig;
	uint8_t report;      /* REPORT_* events for wait */
	struct thread *vfork_parent; /* blocked in vfork until this process execs or exits */
	struct fdtable fdt;
	char *cwd; /* canonical guest path */
	mode_t umask;
	struct rlimit rlim[RLIM_NLIMITS];
	struct ksigaction sigact[NSIG + 1];
	struct mm *mm;
	struct ktimer *timers; /* its interval and POSIX timers (NULL: none yet) */
	char *exe; /* guest path of the running program */
	char comm[16]; /* the name prctl(PR_SET_NAME) and /proc show */
	char *cmdline; /* a core copy of argv (NUL-separated, capped) for other processes */
	size_t cmdline_len;
	uptr arg_start, arg_end, env_start, env_end;
	struct sigpending pending; /* signals sent to the process (kill) */
	struct thread *threads;       /* every live thread */
	int nthreads;
};

enum thread_state { T_RUNNING, T_BLOCKED };

struct thread {
	pid_t tid;
	struct proc *proc;
	struct thread *next;    /* in proc->threads */
	enum thread_state state;
	bool killed;            /* ends at its next core entry (execve, exit_group, kill) */
	struct sigpending pending; /* signals sent to this thread (tgkill) */
	ksigset_t saved_mask;   /* the mask to go back to after sigsuspend */
	bool restore_mask;
	ksigset_t sigmask;
	kstack_t altstack;
	uptr clear_child_tid;
	uptr robust_list;
	uint64_t tls;
	struct nto_regs *regs; /* saved user registers while in the core */
	uptr fault_retry;       /* a fault address retried once (core_fault) */
	bool regs_replaced;     /* the syscall rewrote regs (sigreturn, execve) */
	pid_t vfork_child;      /* waiting in vfork for this child to exec or exit */
};

/* The thread the core is serving. */
extern struct thread *current;

/* The process table: every live and zombie process, oldest first. */
extern struct proc *procs;

/* Descriptor helpers. All return -EBADF for a bad fd. */
struct file *fd_get(int fd); /* borrowed reference, or NULL */
int fd_install(struct file *f, int min_fd, bool cloexec); /* takes the reference */
int fd_close(int fd);
int fd_dup_to(int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* Allocates an unused id for a new thread or process (one id space, as
 * Linux: a process's id is its first thread's). */
pid_t pid_alloc(void);

/* The process with this pid (a zombie too), or NULL. */
struct proc *proc_find(pid_t pid);

/* The process id names, or the process of the thread id names (Linux
 * finds a process by any of its threads' ids), or NULL. */
struct proc *proc_of_id(pid_t id);

/* What a new thread starts with. */
struct thread_start {
	const struct nto_regs *regs;
	uint64_t tls;
	pid_t tid;
	uptr clear_tid;     /* cleared (and futex-woken) at the thread's exit, if not 0 */
	ksigset_t sigmask;
	kstack_t altstack;
};

/* Creates a thread of process p (not necessarily the caller's: fork makes
 * the first thread of its child) and starts it in p's address space.
 * -EAGAIN when the platform has no thread to give. */
int thread_create(struct proc *p, const struct thread_start *s, struct thread **out);

/* Removes t from its process's thread list (it no longer counts). */
void thread_unlink(struct thread *t);

/* Frees an unlinked thread's record (the boot thread's is static). */
void thread_free(struct thread *t);

/* Closes every descriptor of the current process and frees its table
 * (its exit: POSIX locks go with the descriptors). */
void proc_close_files(void);

/* Clears the thread's child-tid word and releases its robust futexes. */
void thread_exit_cleanup(struct thread *t);

/* Ends the calling thread; the last one ends the process with status. */
__noreturn void thread_exit(int status);

/* Finds a live thread of the current process by tid, or NULL. */
struct thread *thread_find(pid_t tid);

/* Finds a live thread of any process by tid, or NULL. */
struct thread *thread_lookup(pid_t tid);

/* Counts the live threads of every process. */
int threads_alive(void);

/* Makes every other thread of p end at its next core entry (flag, wake,
 * kick): execve and a process's exit use it. */
void proc_end_other_threads(struct proc *p);

/* Creates the first process and thread, which then holds the core lock. */
int proc_init_first(void);

/* Creates a child of the current process as fork does: a copy of its
 * state (fd table with references taken, cwd, umask, limits, signal
 * dispositions, exe, the memory map's records with file references) with
 * pid and exit signal exit_signal, without memory or threads yet, and
 * links it into the process table. The caller gives it an address space
 * and a first thread, or removes it again with proc_unfork. */
int proc_fork(pid_t pid, int exit_signal, struct proc **out);

/* Undoes proc_fork for a child that never ran. */
void proc_unfork(struct proc *p);

/* Ends the calling thread's process with a Linux wait status (exit code
 * << 8, or a signal number): its other threads end at their next core
 * entry and the last one out turns it into a zombie. pid 1 ends the whole
 * TEE at once (hal_exit) with the shell's view of the status. */
__noreturn void proc_exit(int wstatus);

/* Terminates the process for signal signo at addr (default action); only
 * pid 1's death is logged ("nto: program killed by ..."). */
__noreturn void proc_kill_by_signal(int signo, uint64_t addr, bool have_addr);

/* Frees a reaped zombie and removes it from the process table. */
void proc_reap(struct proc *p);

/* The vfork parent of p (if any) may go on: p has exec'd or is exiting. */
void proc_vfork_release(struct proc *p);

/* A process group is orphaned when no member has a parent in another group
 * of the same session (POSIX): its stop signals from the terminal are
 * discarded. */
bool pgrp_orphaned(pid_t pgid);

/* Records argv (cmdline) as /proc/<pid>/cmdline shows it to other
 * processes: a core copy, at most 4 KiB. */
void proc_set_cmdline(struct proc *p, const char *const *argv);

#endif
