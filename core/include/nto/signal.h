/* Signals: dispositions, pending sets and default actions. */
#ifndef NTO_SIGNAL_H
#define NTO_SIGNAL_H

#include <nto/abi.h>

#define ERESTARTNOHAND 514 /* internal: restart unless a handler runs */

struct thread;

/* Name of a signal ("SIGSEGV"), or "SIG?" for an unknown number. */
const char *signal_name(int signo);

/* Marks signo pending for the current thread; delivered at the next return
 * to the program. */
void signal_raise_self(int signo);

/* Sends signo to thread t (tgkill), or to the process (kill) when t is NULL. */
void signal_send(struct thread *t, int signo);

/* Takes one instance of signal s off a pending set (rt signals queue). */
void signal_take(ksigset_t *pending, int s);

/* True if a signal the current thread does not block is pending for it. */
bool signal_pending_unblocked(void);

/* Delivers pending, unblocked signals by rewriting regs (or ends the
 * program). ret is the result of the syscall that just ran (0 if none):
 * -ERESTARTSYS becomes a restart or -EINTR, as Linux decides with
 * SA_RESTART; -ERESTARTNOHAND restarts only if no handler runs. */
void signal_deliver_pending(struct nto_regs *regs, long ret);

/* Makes the thread run with mask until its next signal is delivered, then
 * go back to its present mask (sigsuspend, ppoll, pselect). */
void signal_mask_until_delivery(ksigset_t mask);

/* Builds the ISA's signal frame on the program's stack and points regs at
 * the handler. -EFAULT if the stack is unusable. */
int arch_signal_frame(struct nto_regs *regs, int signo, const struct ksigaction *act,
		      ksigset_t old_mask, int code, uint64_t addr, uptr stack_top);

/* Restores regs (and the signal mask) from the frame rt_sigreturn finds. */
int arch_sigreturn(struct nto_regs *regs, ksigset_t *mask);

#endif
