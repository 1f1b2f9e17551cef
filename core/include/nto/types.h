/* Freestanding basic types for the NTO core. Only compiler-provided headers. */
#ifndef NTO_TYPES_H
#define NTO_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef uint32_t mode_t;
typedef int32_t pid_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef uint64_t uptr;

/* Marks a pointer that holds a program (user) address: never dereference it directly. */
#define __user

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define PAGE_SIZE        4096UL
#define unused           __attribute__((unused))
#define __noreturn       __attribute__((noreturn))
#define printf_like(a, b) __attribute__((format(printf, a, b)))

#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

#endif
