/* The core's small freestanding C library. */
#ifndef NTO_LIB_H
#define NTO_LIB_H

#include <nto/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);

/* Formats like C99 kvsnprintf for %d %i %u %x %X %o %p %s %c %% with the
 * l, ll, z flags, field width, '-' and '0'. Returns the untruncated length. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ksnprintf on top of kvsnprintf. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) printf_like(3, 4);

/* Copies at most size-1 bytes of src and NUL-terminates; returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);

/* Parses an unsigned decimal number from s[0..n); -EINVAL if not one. */
int parse_u64(const char *s, size_t n, uint64_t *out);

#endif
