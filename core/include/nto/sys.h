/*
 * System-call bodies, one file per family under core/sys/. Each follows the
 * Linux man page of the same name (man 2 <name>): arguments are the raw
 * register values, the result is >= 0 or -errno. Program pointers are
 * __user and only reach memory through copy_from_user/copy_to_user.
 */
#ifndef NTO_SYS_H
#define NTO_SYS_H

#include <nto/abi.h>

/* core/sys/rw.c: reading and writing */
long sys_read(int fd, void __user *buf, size_t n);
long sys_write(int fd, const void __user *buf, size_t n);
long sys_readv(int fd, const struct iovec __user *iov, int cnt);
long sys_writev(int fd, const struct iovec __user *iov, int cnt);
long sys_pread64(int fd, void __user *buf, size_t n, int64_t off);
long sys_pwrite64(int fd, const void __user *buf, size_t n, int64_t off);
long sys_preadv(int fd, const struct iovec __user *iov, int cnt, int64_t off);
long sys_pwritev(int fd, const struct iovec __user *iov, int cnt, int64_t off);
long sys_lseek(int fd, int64_t off, int whence);
long sys_sendfile(int out, int in, int64_t __user *off, size_t n);

/* core/sys/fd.c: descriptors */
/* Copies a program path into a new PATH_MAX core buffer (kfree it). */
int user_path(const char __user *upath, char **out);
long sys_open(const char __user *path, int flags, mode_t mode);
long sys_openat(int dirfd, const char __user *path, int flags, mode_t mode);
long sys_creat(const char __user *path, mode_t mode);
long sys_close(int fd);
long sys_close_range(unsigned int first, unsigned int last, unsigned int flags);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, unsigned long arg);
long sys_pipe(int __user *fds);
long sys_pipe2(int __user *fds, int flags);
long sys_ioctl(int fd, unsigned int cmd, unsigned long arg);
long sys_flock(int fd, int op);

/* core/sys/fsmeta.c: names and metadata */
long sys_stat(const char __user *path, struct kstat __user *st);
long sys_lstat(const char __user *path, struct kstat __user *st);
long sys_fstat(int fd, struct kstat __user *st);
long sys_newfstatat(int dirfd, const char __user *path, struct kstat __user *st, int flags);
long sys_statx(int dirfd, const char __user *path, int flags, unsigned int mask,
	       struct statx __user *stx);
long sys_getdents64(int fd, void __user *buf, size_t n);
long sys_readlink(const char __user *path, char __user *buf, size_t n);
long sys_readlinkat(int dirfd, const char __user *path, char __user *buf, size_t n);
long sys_access(const char __user *path, int mode);
long sys_faccessat(int dirfd, const char __user *path, int mode);
long sys_faccessat2(int dirfd, const char __user *path, int mode, int flags);
long sys_getcwd(char __user *buf, size_t n);
long sys_chdir(const char __user *path);
long sys_fchdir(int fd);
long sys_mkdir(const char __user *path, mode_t mode);
long sys_mkdirat(int dirfd, const char __user *path, mode_t mode);
long sys_unlink(const char __user *path);
long sys_unlinkat(int dirfd, const char __user *path, int flags);
long sys_rmdir(const char __user *path);
long sys_rename(const char __user *from, const char __user *to);
long sys_renameat(int ofd, const char __user *from, int nfd, const char __user *to);
long sys_renameat2(int ofd, const char __user *from, int nfd, const char __user *to,
		   unsigned int flags);
long sys_symlink(const char __user *target, const char __user *path);
long sys_symlinkat(const char __user *target, int dirfd, const char __user *path);
long sys_link(const char __user *from, const char __user *to);
long sys_linkat(int ofd, const char __user *from, int nfd, const char __user *to, int flags);
long sys_truncate(const char __user *path, int64_t len);
long sys_ftruncate(int fd, int64_t len);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_syncfs(int fd);
long sys_sync(void);
long sys_umask(mode_t mask);
long sys_chmod(const char __user *path, mode_t mode);
long sys_fchmod(int fd, mode_t mode);
long sys_fchmodat(int dirfd, const char __user *path, mode_t mode);
long sys_chown(const char __user *path, uid_t uid, gid_t gid);
long sys_fchown(int fd, uid_t uid, gid_t gid);
long sys_fchownat(int dirfd, const char __user *path, uid_t uid, gid_t gid, int flags);
long sys_lchown(const char __user *path, uid_t uid, gid_t gid);
long sys_utimensat(int dirfd, const char __user *path, const struct timespec __user *times,
		   int flags);

long sys_getxattr(const char __user *path, const char __user *name, void __user *v, size_t n);
long sys_lgetxattr(const char __user *path, const char __user *name, void __user *v, size_t n);
long sys_fgetxattr(int fd, const char __user *name, void __user *v, size_t n);
long sys_listxattr(const char __user *path, char __user *list, size_t n);
long sys_llistxattr(const char __user *path, char __user *list, size_t n);
long sys_flistxattr(int fd, char __user *list, size_t n);
long sys_setxattr(const char __user *path, const char __user *name, const void __user *v,
		  size_t n, int flags);

long sys_statfs(const char __user *path, void __user *buf);
long sys_fstatfs(int fd, void __user *buf);

/* core/sys/mm.c: memory */
long sys_brk(uptr addr);
long sys_mmap(uptr addr, size_t len, int prot, int flags, int fd, int64_t off);
long sys_munmap(uptr addr, size_t len);
long sys_mprotect(uptr addr, size_t len, int prot);
long sys_mremap(uptr old, size_t oldlen, size_t newlen, int flags, uptr newaddr);
long sys_madvise(uptr addr, size_t len, int advice);
long sys_msync(uptr addr, size_t len, int flags);

/* core/sys/proc.c: identity, limits, exit */
long sys_getpid(void);
long sys_getppid(void);
long sys_gettid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getgroups(int n, gid_t __user *list);
long sys_getresuid(uid_t __user *r, uid_t __user *e, uid_t __user *s);
long sys_getresgid(gid_t __user *r, gid_t __user *e, gid_t __user *s);
long sys_getpgrp(void);
long sys_getpgid(pid_t pid);
long sys_getsid(pid_t pid);
long sys_setpgid(pid_t pid, pid_t pgid);
long sys_setsid(void);
long sys_wait4(pid_t pid, int __user *status, int options, void __user *rusage);
long sys_waitid(int idtype, pid_t id, void __user *info, int options, void __user *rusage);
long sys_exit(int status);
long sys_exit_group(int status);
long sys_set_tid_address(int __user *tidptr);
long sys_set_robust_list(void __user *head, size_t len);
long sys_prlimit64(pid_t pid, int res, const struct rlimit __user *nl, struct rlimit __user *ol);
long sys_getrlimit(int res, struct rlimit __user *rl);
long sys_setrlimit(int res, const struct rlimit __user *rl);
long sys_uname(struct new_utsname __user *u);
long sys_sysinfo(struct sysinfo __user *si);
long sys_sched_getaffinity(pid_t pid, size_t len, void __user *mask);
long sys_sched_yield(void);
long sys_sched_setaffinity(pid_t pid, size_t len, const void __user *mask);
long sys_sched_getscheduler(pid_t pid);
long sys_sched_setscheduler(pid_t pid, int policy, const int __user *param);
long sys_sched_getparam(pid_t pid, int __user *param);
long sys_sched_setparam(pid_t pid, const int __user *param);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_getcpu(unsigned __user *cpu, unsigned __user *node, void __user *cache);
long sys_arch_prctl(int code, uptr addr);
/* riscv64 (core/arch/riscv64/sys_arch.c): clone with the generic argument
 * order (tls before child_tid), and the instruction-cache flush call. */
long sys_clone_generic(unsigned long flags, uptr newsp, uptr parent_tid, uptr tls,
		       uptr child_tid);
long sys_riscv_flush_icache(uptr start, uptr end, unsigned long flags);
long sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
	       unsigned long a5);

/* core/sys/time.c: clocks and sleeping */
long sys_clock_gettime(int clk, struct timespec __user *ts);
long sys_clock_getres(int clk, struct timespec __user *ts);
long sys_clock_settime(int clk, const struct timespec __user *ts);
long sys_gettimeofday(struct timeval __user *tv, struct timezone __user *tz);
long sys_time(int64_t __user *t);
long sys_nanosleep(const struct timespec __user *req, struct timespec __user *rem);
long sys_clock_nanosleep(int clk, int flags, const struct timespec __user *req,
			 struct timespec __user *rem);

/* core/sys/signal.c: signals */
long sys_rt_sigaction(int sig, const struct ksigaction __user *act,
		      struct ksigaction __user *old, size_t size);
long sys_rt_sigprocmask(int how, const ksigset_t __user *set, ksigset_t __user *old,
			size_t size);
long sys_rt_sigpending(ksigset_t __user *set, size_t size);
long sys_sigaltstack(const kstack_t __user *ss, kstack_t __user *old);
long sys_rt_sigreturn(void);
long sys_rt_sigsuspend(const ksigset_t __user *mask, size_t size);
long sys_rt_sigtimedwait(const ksigset_t __user *set, void __user *info,
			 const struct timespec __user *timeout, size_t size);
long sys_pause(void);
long sys_kill(pid_t pid, int sig);
long sys_rt_sigqueueinfo(pid_t tgid, int sig, const void __user *info);
long sys_rt_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig, const void __user *info);
long sys_tgkill(pid_t tgid, pid_t tid, int sig);
long sys_tkill(pid_t tid, int sig);

/* core/kernel/timer.c: timers */
long sys_alarm(unsigned int seconds);
long sys_getitimer(int which, void __user *cur);
long sys_setitimer(int which, const void __user *nv, void __user *old);
long sys_timer_create(int clock, const void __user *sev, int __user *id);
long sys_timer_settime(int id, int flags, const void __user *nv, void __user *old);
long sys_timer_gettime(int id, void __user *cur);
long sys_timer_getoverrun(int id);
long sys_timer_delete(int id);

/* core/sys/poll.c: readiness */
long sys_poll(struct pollfd __user *fds, unsigned int n, int timeout);
long sys_ppoll(struct pollfd __user *fds, unsigned int n, const struct timespec __user *ts,
	       const ksigset_t __user *mask, size_t size);
long sys_select(int n, void __user *r, void __user *w, void __user *e,
		struct timeval __user *tv);
long sys_pselect6(int n, void __user *r, void __user *w, void __user *e,
		  const struct timespec __user *ts, void __user *sig);

/* core/sys/thread.c: threads */
long sys_clone(unsigned long flags, uptr newsp, uptr parent_tid, uptr child_tid, uptr tls);
long sys_clone3(void __user *args, size_t size);
long sys_fork(void);
long sys_vfork(void);
long sys_get_robust_list(int tid, uptr __user *head, size_t __user *len);
long sys_futex(uptr uaddr, int op, uint32_t val, uptr utime, uptr uaddr2, uint32_t val3);

/* core/sys/exec.c: a new program */
long sys_execve(const char __user *path, const char __user *const __user *argv,
		const char __user *const __user *envp);
long sys_execveat(int dirfd, const char __user *path, const char __user *const __user *argv,
		  const char __user *const __user *envp, int flags);

/* core/sys/random.c */
long sys_getrandom(void __user *buf, size_t n, unsigned int flags);

#endif
