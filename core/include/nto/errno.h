/* Linux errno values (identical on every Linux ISA NTO supports). */
#ifndef NTO_ERRNO_H
#define NTO_ERRNO_H

#define EPERM        1
#define ENOENT       2
#define ESRCH        3
#define EINTR        4
#define EIO          5
#define ENXIO        6
#define E2BIG        7
#define ENOEXEC      8
#define EBADF        9
#define ECHILD       10
#define EAGAIN       11
#define ENOMEM       12
#define EACCES       13
#define EFAULT       14
#define EBUSY        16
#define EEXIST       17
#define EXDEV        18
#define ENODEV       19
#define ENOTDIR      20
#define EISDIR       21
#define EINVAL       22
#define ENFILE       23
#define EMFILE       24
#define ENOTTY       25
#define ETXTBSY      26
#define EFBIG        27
#define ENOSPC       28
#define ESPIPE       29
#define EROFS        30
#define EMLINK       31
#define EPIPE        32
#define EDOM         33
#define ERANGE       34
#define EDEADLK      35
#define ENAMETOOLONG 36
#define ENOLCK       37
#define ENOSYS       38
#define ENOTEMPTY    39
#define ELOOP        40
#define ENODATA      61
#define EBADMSG      74
#define EOVERFLOW    75
#define EBADFD       77
#define ENOTSOCK     88
#define EOPNOTSUPP   95
#define ETIMEDOUT    110
#define ERESTARTSYS  512 /* internal: restart the call after a handler */

#define MAX_ERRNO 4095
/* True when a syscall-style return value encodes an error. */
#define IS_ERR_VALUE(x) ((unsigned long)(long)(x) >= (unsigned long)-MAX_ERRNO)

#endif
