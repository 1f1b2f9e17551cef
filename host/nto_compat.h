/*
 * Hosted builds of the NTO protocol headers. nto/types.h is written for the
 * freestanding core and defines short macros (unused, noreturn) that collide
 * with identifiers in hosted headers such as OpenSSL's; its typedefs
 * (ssize_t, off_t, mode_t, pid_t, uid_t, gid_t) are the same types glibc uses
 * on LP64, so repeating them is legal C11. Include this instead of the nto
 * headers directly, in any order relative to system headers.
 */
#ifndef HOST_NTO_COMPAT_H
#define HOST_NTO_COMPAT_H

#include <nto/bootargs.h>
#include <nto/hostcall.h>
#include <nto/image.h>

#undef unused
#undef noreturn

#endif
