/*
 * The few libc functions test code needs, declared by hand. A file that
 * includes nto headers cannot include glibc's (both define struct timespec,
 * PROT_*, O_* ...); nto/lib.h already declares memcpy, strlen and friends,
 * which resolve to libc's when the core is built hosted.
 */
#ifndef NTO_TEST_LIBC_H
#define NTO_TEST_LIBC_H

#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);
__attribute__((noreturn)) void abort(void);
char *getenv(const char *name);
char *strcpy(char *dst, const char *src);
char *strcat(char *dst, const char *src);
char *strstr(const char *h, const char *n);
int atoi(const char *s);
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
