/* The <limits.h> constants mbedTLS uses (LP64). Used only with mbedTLS. */
#ifndef NTO_SHIM_LIMITS_H
#define NTO_SHIM_LIMITS_H
#define CHAR_BIT  8
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#define SHRT_MAX  32767
#define USHRT_MAX 65535
#define INT_MAX   2147483647
#define INT_MIN   (-INT_MAX - 1)
#define UINT_MAX  4294967295U
#define LONG_MAX  9223372036854775807L
#define LONG_MIN  (-LONG_MAX - 1L)
#define ULONG_MAX 18446744073709551615UL
#endif
