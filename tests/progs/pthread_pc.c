/* pthreads across 8 threads, 10^5 operations in all (pthread_sync.c has the
 * counter, hand-off and barrier basics): a bounded queue of 16 slots guarded
 * by one mutex and two condvars, 4 producers and 4 consumers moving 100000
 * items (every item taken exactly once, checksums of the values); then
 * 8 threads meeting at a barrier 1000 times, each round's serial thread
 * checking everyone's progress. Only totals are printed. */
//! timeout: 60
#include "t.h"
#include <pthread.h>

#define NT 8
#define ITEMS 100000
#define QLEN 16
#define ROUNDS 1000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long q[QLEN];
static int head, count, producers_left = NT / 2;
static unsigned char taken[ITEMS];
static long max_count;
static long c_got[NT], c_sum[NT];

static void *producer(void *arg)
{
	long me = (long)(intptr_t)arg, put = 0;
	for (long v = me; v < ITEMS; v += NT / 2) {
		pthread_mutex_lock(&mu);
		while (count == QLEN)
			pthread_cond_wait(&not_full, &mu);
		q[(head + count) % QLEN] = v;
		count++;
		if (count > max_count)
			max_count = count;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&mu);
		put++;
	}
	pthread_mutex_lock(&mu);
	if (--producers_left == 0)
		pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&mu);
	return (void *)(intptr_t)put;
}

static void *consumer(void *arg)
{
	long got = 0, sum = 0, me = (long)(intptr_t)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (count == 0 && producers_left > 0)
			pthread_cond_wait(&not_empty, &mu);
		if (count == 0) {
			pthread_mutex_unlock(&mu);
			break;
		}
		long v = q[head];
		head = (head + 1) % QLEN;
		count--;
		taken[v]++;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&mu);
		got++;
		sum += v;
	}
	c_got[me] = got;
	c_sum[me] = sum;
	return NULL;
}

static pthread_barrier_t bar;
static volatile int progress[NT];
static int bad_rounds, serials;

static void *barrier_fn(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int r = 1; r <= ROUNDS; r++) {
		progress[me] = r;
		int rc = pthread_barrier_wait(&bar);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
			serials++;
			for (int i = 0; i < NT; i++)
				if (progress[i] != r)
					bad_rounds++;
		}
		/* nobody may start the next round before the check is done */
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NT];
	long put = 0, got = 0, sum = 0;

	for (int i = 0; i < NT; i++)
		MUST(pthread_create(&th[i], NULL, i < NT / 2 ? producer : consumer,
				    (void *)(intptr_t)i) ? -1 : 0);
	for (int i = 0; i < NT; i++) {
		void *r;
		pthread_join(th[i], &r);
		if (i < NT / 2) {
			put += (long)(intptr_t)r;
		} else {
			got += c_got[i];
			sum += c_sum[i];
		}
	}
	long once = 0;
	for (long v = 0; v < ITEMS; v++)
		once += taken[v] == 1;
	SAY("queue: %ld put, %ld taken, %ld items taken exactly once, value sum %ld (expected %ld)",
	    put, got, once, sum, (long)ITEMS * (ITEMS - 1) / 2);
	SAY("queue: never over capacity: %s, left in the queue: %d", max_count <= QLEN ? "yes" : "no",
	    count);

	CHECK_RC("barrier init", pthread_barrier_init(&bar, NULL, NT));
	for (int i = 0; i < NT; i++)
		MUST(pthread_create(&th[i], NULL, barrier_fn, (void *)(intptr_t)i) ? -1 : 0);
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	SAY("barrier: %d rounds, %d serial threads, %d threads behind at a check", ROUNDS, serials,
	    bad_rounds);
	CHECK_RC("barrier destroy", pthread_barrier_destroy(&bar));
	return 0;
}
