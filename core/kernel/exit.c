/*
 * Exit: threads, processes, zombies and their parents.
 *
 * A process ends when its last thread leaves: exit_group and fatal signals
 * flag the other threads (they leave at their next core entry, as execve
 * makes them), and whichever thread is last out releases the process's
 * files, memory and timers, leaves a zombie with its wait status, hands
 * its children to a reaper and tells its parent. Every step that touches
 * program memory (the child-tid word, robust futexes, shared mappings'
 * write-back) runs on a thread of the exiting process itself: the core
 * never touches another process's memory.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/timer.h>

void proc_end_other_threads(struct proc *p)
{
	for (struct thread *t = p->threads; t; t = t->next) {
		if (t == current)
			continue;
		t->killed = true;
		sched_wake(t);
		hal_thread_kick(t);
	}
}

void proc_vfork_release(struct proc *p)
{
	struct thread *t = p->vfork_parent;

	if (!t)
		return;
	p->vfork_parent = NULL;
	t->vfork_child = 0;
	sched_wake(t);
}

/* The nearest live ancestor of p that asked to be a subreaper, else pid 1. */
static struct proc *reaper_for(struct proc *p)
{
	for (struct proc *a = p->parent; a && a->pid != 1; a = a->parent) {
		if (a->subreaper && a->state == PS_ALIVE && !a->exiting)
			return a;
	}
	return proc_find(1);
}

/* Tells p's parent that p is a zombie now. True if the parent lets its
 * children go unwaited (SIGCHLD ignored, SA_NOCLDWAIT): reap p at once. */
static bool notify_exit(struct proc *p)
{
	const struct ksigaction *a = &p->parent->sigact[SIGCHLD];
	int sig = p->exit_signal, w = p->wstatus;
	bool autoreap = false;

	if (sig == SIGCHLD && (a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT))) {
		autoreap = true;
		if (a->handler == SIG_IGN)
			sig = 0;
	}
	if (w & 0x7f)
		signal_notify_parent(p, sig, (w & 0x80) ? CLD_DUMPED : CLD_KILLED, w & 0x7f);
	else
		signal_notify_parent(p, sig, CLD_EXITED, (w >> 8) & 0xff);
	return autoreap;
}

/* p's children go to the reaper; zombies among them notify it anew. */
static void reparent_children(struct proc *p)
{
	struct proc *r = reaper_for(p), *next;

	for (struct proc *c = procs; c; c = next) {
		next = c->next;
		if (c->parent != p)
			continue;
		c->parent = r;
		c->ppid = r->pid;
		c->exit_signal = SIGCHLD; /* as Linux: nobody may slay the reaper */
		if (c->state == PS_ALIVE && c->pdeath_sig) {
			struct ksiginfo info = {.code = SI_USER, .pid = p->pid};
			signal_post(c, NULL, c->pdeath_sig, &info);
		}
		if (c->state == PS_ZOMBIE && notify_exit(c))
			proc_reap(c);
	}
}

/* Everything the process holds goes; its record stays as a zombie. Runs
 * on its last thread, so the memory it writes back is current's. */
static void proc_finish(struct proc *p)
{
	struct mm *mm = p->mm;

	/* Shared file mappings reach their files before the files close;
	 * then the whole address space goes at once, not range by range. */
	filemap_writeback(mm, mm->user_min, mm->user_max - mm->user_min);
	if (mm->as) {
		mm_forget(mm);
		hal_as_destroy(mm->as);
	} else {
		vm_unmap(mm, mm->user_min, mm->user_max - mm->user_min);
	}
	proc_close_files();
	timers_release(p);
	kfree(mm);
	p->mm = NULL;
	kfree(p->cwd);
	p->cwd = NULL;
	kfree(p->cmdline);
	p->cmdline = NULL;
	p->cmdline_len = 0;
	proc_vfork_release(p);
	p->state = PS_ZOMBIE;
	p->stopped = false;
	p->report = 0;
	reparent_children(p);
	if (notify_exit(p))
		proc_reap(p);
}

/* The calling thread leaves for good; the last one out finishes the process. */
static __noreturn void thread_leave(void)
{
	struct thread *t = current;
	struct proc *p = t->proc;

	thread_exit_cleanup(t);
	thread_unlink(t);
	if (p->nthreads == 0)
		proc_finish(p);
	sched_wake_all(); /* an execve may wait for the others to be gone */
	thread_free(t);
	current = NULL;
	core_unlock();
	hal_thread_exit();
}

/* pid 1 ends the TEE: the platform ends every other process with it, as
 * a container ends with its init. */
static __noreturn void init_exit(int wstatus)
{
	struct mm *mm = current->proc->mm;

	/* Shared file mappings reach their files before the files close. */
	filemap_writeback(mm, mm->user_min, mm->user_max - mm->user_min);
	proc_close_files();
	if (wstatus & 0x7f)
		hal_exit(128 + (wstatus & 0x7f));
	hal_exit((wstatus >> 8) & 0xff);
}

__noreturn void proc_exit(int wstatus)
{
	struct proc *p = current->proc;

	if (p->pid == 1)
		init_exit(wstatus);
	if (!p->exiting) {
		p->exiting = true;
		p->wstatus = wstatus;
		proc_end_other_threads(p);
	}
	thread_leave();
}

__noreturn void thread_exit(int status)
{
	struct proc *p = current->proc;

	if (p->nthreads == 1 && !p->exiting)
		proc_exit((status & 0xff) << 8);
	thread_leave();
}

bool pgrp_orphaned(pid_t pgid)
{
	for (struct proc *p = procs; p; p = p->next) {
		if (p->pgid != pgid || p->state != PS_ALIVE || !p->parent)
			continue;
		if (p->parent->pgid != pgid && p->parent->sid == p->sid)
			return false;
	}
	return true;
}
