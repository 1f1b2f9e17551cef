/* Signals: dispositions, pending sets, default actions, stop and continue. */
#ifndef NTO_SIGNAL_H
#define NTO_SIGNAL_H

#include <nto/abi.h>

#define ERESTARTNOHAND 514 /* internal: restart unless a handler runs */

/* si_code values. */
#define SI_USER   0
#define SI_KERNEL 0x80
#define SI_QUEUE  (-1)
#define SI_TIMER  (-2)
#define SI_TKILL  (-6)
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

struct thread;
struct proc;
struct ksiginfo;
struct sigpending;

/* Name of a signal ("SIGSEGV"), or "SIG?" for an unknown number. */
const char *signal_name(int signo);

/* Marks signo pending for the current thread (as the kernel sends SIGPIPE);
 * delivered at the next return to the program. */
void signal_raise_self(int signo);

/* Sends signo from the current process to thread t (tgkill: SI_TKILL), or
 * to the current process (SI_USER) when t is NULL. */
void signal_send(struct thread *t, int signo);

/* Sends signo with info to process p (any process, a zombie ignores it),
 * or to its thread t when t is not NULL. Does at once what Linux does at
 * send time (SIGCONT resumes a stopped p and cancels its pending stops, a
 * stop signal cancels a pending SIGCONT, SIGKILL wakes a stopped p), then
 * queues the signal and makes the thread that will take it notice: wakes
 * it if it sleeps in the core, kicks it if it runs program code. */
void signal_post(struct proc *p, struct thread *t, int signo, const struct ksiginfo *info);

/* Takes one instance of signal s off a pending set (a queued real-time
 * one stays) and gives what it carries in *info. */
void signal_take(struct sigpending *pending, int s, struct ksiginfo *info);

/* Frees what a pending set holds (its queued real-time repeats). */
void sigpending_clear(struct sigpending *sp);

/* Removes the signals of mask from p's pending sets and its threads'. */
void signal_discard(struct proc *p, ksigset_t mask);

/* True if a signal the current thread does not block is pending for it. */
bool signal_pending_unblocked(void);

/* True if SIGKILL is pending for the current thread or its process. */
bool signal_fatal_pending(void);

/* Delivers pending, unblocked signals by rewriting regs (or ends the
 * program, or stops the thread while its process is stopped). ret is the
 * result of the syscall that just ran (0 if none): -ERESTARTSYS becomes a
 * restart or -EINTR, as Linux decides with SA_RESTART; -ERESTARTNOHAND
 * restarts only if no handler runs. */
void signal_deliver_pending(struct nto_regs *regs, long ret);

/* Makes the thread run with mask until its next signal is delivered, then
 * go back to its present mask (sigsuspend, ppoll, pselect). */
void signal_mask_until_delivery(ksigset_t mask);

/* Tells p's parent that p stopped or continued (code CLD_STOPPED or
 * CLD_CONTINUED, with signal status): SIGCHLD unless the parent asked for
 * SA_NOCLDSTOP, and a wake for its threads waiting in wait. */
void signal_notify_stop(struct proc *p, int code, int status);

/* Sends the parent of p signal sig (0: none) about child p (si_code code,
 * si_status status) and wakes the parent's waiting threads. */
void signal_notify_parent(struct proc *p, int sig, int code, int status);

/* Writes Linux's 128-byte siginfo_t for signo and info into out. */
void siginfo_fill(void *out, int signo, const struct ksiginfo *info);

/* Builds the ISA's signal frame on the program's stack and points regs at
 * the handler. -EFAULT if the stack is unusable. */
int arch_signal_frame(struct nto_regs *regs, int signo, const struct ksigaction *act,
		      ksigset_t old_mask, const struct ksiginfo *info, uptr stack_top);

/* Restores regs (and the signal mask) from the frame rt_sigreturn finds. */
int arch_sigreturn(struct nto_regs *regs, ksigset_t *mask);

#endif
