/* The few <string.h> functions mbedTLS uses, which the core's own library
 * defines (the TEE has no libc). Used only when compiling mbedTLS. Declared
 * here rather than by including <nto/lib.h>: that brings the core's short
 * macros (unused, MIN, MAX...), and mbedTLS 3.6 uses `unused` as a word
 * (`__has_attribute(unused)`). */
#ifndef NTO_SHIM_STRING_H
#define NTO_SHIM_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
#endif
