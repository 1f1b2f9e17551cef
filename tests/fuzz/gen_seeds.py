#!/usr/bin/env python3
"""Writes the seed corpora of the NTO fuzzers (tests/fuzz/corpus/<fuzzer>/).

Seeds are small (< 64 KiB) and deterministic; run from anywhere:
    python3 tests/fuzz/gen_seeds.py
Crash regressions found by fuzzing live beside them as crash-* files and
are not touched by this script.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def put(fuzzer, name, data):
    d = os.path.join(CORPUS, fuzzer)
    os.makedirs(d, exist_ok=True)
    assert len(data) < 64 * 1024, (fuzzer, name, len(data))
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# ---- ELF programs ----
EXIT0 = bytes([0xB8, 0x3C, 0, 0, 0, 0x31, 0xFF, 0x0F, 0x05])
PT_LOAD, PT_INTERP, PT_PHDR, PT_GNU_STACK = 1, 3, 6, 0x6474E551


def elf(etype=2, machine=62, cls=2, data=1, phdrs=None, phnum=None, phoff=64,
        phentsize=56, base=0x400000, code=EXIT0, entry=None):
    hdr_len = 64
    if phdrs is None:
        total = hdr_len + 2 * 56 + len(code)
        phdrs = [(PT_LOAD, 5, 0, base, base, total, total + 0x2000, 0x1000),
                 (PT_GNU_STACK, 6, 0, 0, 0, 0, 0, 16)]
    ph = b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
    if entry is None:
        entry = base + hdr_len + len(ph)
    eh = b"\x7fELF" + bytes([cls, data, 1]) + bytes(9)
    eh += struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0, 64,
                      phentsize, len(phdrs) if phnum is None else phnum, 64, 0, 0)
    return eh + ph + code


def elf_seeds():
    put("fuzz_elf", "exec", elf())
    put("fuzz_elf", "pie", elf(etype=3, base=0))
    base = 0x400000
    two = [(PT_LOAD, 5, 0, base, base, 0x100, 0x100, 0x1000),
           (PT_LOAD, 6, 0x100, base + 0x1100, base + 0x1100, 0x20, 0x3000, 0x1000),
           (PT_PHDR, 4, 64, base + 64, base + 64, 112, 112, 8)]
    put("fuzz_elf", "two-loads", elf(phdrs=two) + bytes(0x100))
    rev = [two[1], two[0]]  # segments out of address order
    put("fuzz_elf", "reversed-loads", elf(phdrs=rev) + bytes(0x100))
    put("fuzz_elf", "wrong-machine", elf(machine=183))
    put("fuzz_elf", "elf32", elf(cls=1))
    put("fuzz_elf", "big-endian", elf(data=2))
    put("fuzz_elf", "core-type", elf(etype=4))
    put("fuzz_elf", "truncated-header", elf()[:40])
    put("fuzz_elf", "truncated-phdrs", elf()[:100])
    put("fuzz_elf", "phnum-65", elf(phnum=65))
    put("fuzz_elf", "phoff-huge", elf(phoff=0xFFFFFFFFFFFFFFF0))
    put("fuzz_elf", "phentsize", elf(phentsize=32))
    interp = [(PT_INTERP, 4, 0x200, 0, 0, 28, 28, 1)] + [two[0]]
    put("fuzz_elf", "interp", elf(phdrs=interp))
    wrap = [(PT_LOAD, 5, 0, 0xFFFFFFFFFFFFF000, 0, 0x100, 0x2000, 0x1000)]
    put("fuzz_elf", "vaddr-wraps", elf(phdrs=wrap))
    outside = [(PT_LOAD, 5, 0x10, 0x400000, 0, 0x100000, 0x100000, 0x1000)]
    put("fuzz_elf", "filesz-past-eof", elf(phdrs=outside))
    high = [(PT_LOAD, 5, 0, 0x3FFF0000000, 0, 0x100, 0x100, 0x1000)]
    put("fuzz_elf", "outside-user-range", elf(phdrs=high))
    misal = [(PT_LOAD, 5, 0x10, 0x400000, 0, 0x100, 0x100, 0x1000)]
    put("fuzz_elf", "misaligned", elf(phdrs=misal))
    put("fuzz_elf", "shebang", b"#!/bin/sh -x\necho hi\n")
    put("fuzz_elf", "shebang-self", b"#!/bin/prog\n")
    put("fuzz_elf", "shebang-noarg", b"#!   /bin/sh  \t\r\n")
    put("fuzz_elf", "shebang-nonl", b"#!/bin/sh")
    put("fuzz_elf", "empty", b"")


# ---- root images ----
S_IFREG, S_IFDIR, S_IFLNK = 0o100000, 0o040000, 0o120000


def image(entries, magic=b"NTOIMG1\0", version=1, total=None, table_off=None,
          str_size=None, raw_entries=None):
    entries = sorted(entries, key=lambda e: e[0])
    hdr = 56
    t_off = hdr if table_off is None else table_off
    strs = b"".join(e[0].encode() for e in entries)
    s_off = hdr + 32 * len(entries)
    off = (s_off + len(strs) + 4095) // 4096 * 4096
    tab, data, so = b"", b"", 0
    for path, mode, content in entries:
        p = path.encode()
        doff = off + len(data) if content else 0
        tab += struct.pack("<IIIIQQ", so, len(p), mode, 0, doff, len(content))
        so += len(p)
        if content:
            data += content + bytes((4096 - len(content) % 4096) % 4096)
    if raw_entries is not None:
        tab = raw_entries
    body = bytearray(tab + strs)
    img = bytearray(off) + data
    size = len(img) if total is None else total
    h = magic + struct.pack("<IIQQQQ", version, len(entries), t_off, s_off,
                            len(strs) if str_size is None else str_size, size)
    img[0:hdr] = h
    img[hdr:hdr + len(body)] = body
    return bytes(img)


def image_seeds():
    base = [("/bin/prog", S_IFREG | 0o755, b"\x7fELF"), ("/etc/passwd", S_IFREG | 0o644,
            b"root:x:0:0\n"), ("/d", S_IFDIR | 0o755, b""), ("/d/a", S_IFREG | 0o644, b"A"),
            ("/l", S_IFLNK | 0o777, b"/etc"), ("/empty", S_IFREG | 0o644, b"")]
    put("fuzz_image", "valid", image(base))
    put("fuzz_image", "empty", image([]))
    put("fuzz_image", "bad-magic", image(base, magic=b"NTOIMG2\0"))
    put("fuzz_image", "bad-version", image(base, version=2))
    put("fuzz_image", "total-mismatch", image(base, total=12345))
    put("fuzz_image", "table-past-end", image(base, table_off=0x7FFFFFF0))
    put("fuzz_image", "table-misaligned", image(base, table_off=57))
    put("fuzz_image", "strings-past-end", image(base, str_size=1 << 40))
    bad = struct.pack("<IIIIQQ", 0xFFFFFFF0, 0x20, S_IFREG, 0, 0, 0)
    put("fuzz_image", "path-off-huge", image([("/x", S_IFREG, b"")], raw_entries=bad))
    bad = struct.pack("<IIIIQQ", 0, 2, S_IFREG, 0, 1 << 62, 1 << 62)
    put("fuzz_image", "data-past-end", image([("/x", S_IFREG, b"")], raw_entries=bad))
    put("fuzz_image", "non-canonical", image([("/a/../b", S_IFREG, b"x")]))
    put("fuzz_image", "double-slash", image([("//a", S_IFREG, b"x")]))
    put("fuzz_image", "relative", image([("ab", S_IFREG, b"x")]))
    put("fuzz_image", "root-entry", image([("/", S_IFDIR | 0o755, b"")]))
    put("fuzz_image", "file-under-file", image([("/f", S_IFREG, b"x"), ("/f/g", S_IFREG, b"y")]))
    put("fuzz_image", "dir-after-file", image([("/f", S_IFREG, b"x"), ("/f", S_IFDIR, b"")]))
    put("fuzz_image", "file-then-dir-with-child",
        image([("/a", S_IFDIR, b""), ("/a/b", S_IFREG, b"x"), ("/a", S_IFREG, b"")]))
    put("fuzz_image", "fifo", image([("/p", 0o010644, b"")]))
    put("fuzz_image", "symlink-loop", image([("/a", S_IFLNK | 0o777, b"/b"),
                                             ("/b", S_IFLNK | 0o777, b"/a")]))
    put("fuzz_image", "symlink-chain", image([("/a", S_IFLNK | 0o777, b"b/c"),
                                              ("/b", S_IFLNK | 0o777, b"/d"),
                                              ("/d", S_IFDIR | 0o755, b""),
                                              ("/d/c", S_IFREG | 0o644, b"end")]))
    put("fuzz_image", "long-name", image([("/" + "n" * 300, S_IFREG, b"x")]))
    put("fuzz_image", "deep", image([("/a" * 40 + "/f", S_IFREG, b"x")]))
    put("fuzz_image", "nul-in-path", image([("/a\0b", S_IFREG, b"x")]))
    put("fuzz_image", "truncated-header", image(base)[:40])


# ---- boot records ----
def rec(t, payload):
    return struct.pack("<II", t, len(payload)) + payload + bytes((8 - len(payload) % 8) % 8)


EXEC, ARG, ENV, CWD, MOUNT, FLAGS = 1, 2, 3, 4, 5, 6


def boot_seeds():
    ok = rec(EXEC, b"/bin/prog") + rec(ARG, b"prog") + rec(ARG, b"-v") + rec(ENV, b"A=1")
    put("fuzz_bootargs", "minimal", rec(EXEC, b"/bin/prog") + rec(ARG, b"prog"))
    put("fuzz_bootargs", "full", ok + rec(CWD, b"/tmp") + rec(MOUNT, struct.pack("<II", 7, 1) +
        b"/host") + rec(FLAGS, struct.pack("<I", 3)))
    put("fuzz_bootargs", "no-exec", rec(ARG, b"prog"))
    put("fuzz_bootargs", "no-arg", rec(EXEC, b"/bin/prog"))
    put("fuzz_bootargs", "len-past-end", ok + struct.pack("<II", ARG, 1000) + b"abc")
    put("fuzz_bootargs", "truncated-header", ok + b"\x02\x00\x00")
    put("fuzz_bootargs", "embedded-nul", rec(EXEC, b"/bin\0prog") + rec(ARG, b"p"))
    put("fuzz_bootargs", "unknown-type", ok + rec(99, b"x"))
    put("fuzz_bootargs", "mount-short", ok + rec(MOUNT, b"12345678"))
    put("fuzz_bootargs", "mount-relative", ok + rec(MOUNT, struct.pack("<II", 1, 0) + b"rel"))
    put("fuzz_bootargs", "too-many-mounts",
        ok + b"".join(rec(MOUNT, struct.pack("<II", i, 0) + b"/m%d" % i) for i in range(17)))
    put("fuzz_bootargs", "flags-bad-len", ok + rec(FLAGS, b"\x01\x00"))
    put("fuzz_bootargs", "empty-strings", rec(EXEC, b"") + rec(ARG, b"") + rec(ENV, b""))
    put("fuzz_bootargs", "many-args", rec(EXEC, b"/p") + rec(ARG, b"a") * 300)
    put("fuzz_bootargs", "empty", b"")


# ---- hostile host scripts (fuzz_hostcall) ----
# A step is: op byte, u16 n, path byte, then per-op bytes; each host call the
# core makes reads one reply byte (low nibble < 8: honest) plus its forgery.
def hseeds():
    H = 0  # honest reply
    steps = {
        "open-read": bytes([0, 0, 0x10, 1, 0, H, H]) + bytes([1, 0x40, 0, 0, 0, H]),
        "getdents": bytes([0, 0, 0, 2, 3, H, H]) + bytes([2, 0, 1, 0, 0, H, H, H]),
        "getdents-small": bytes([0, 0, 0, 2, 3, H, H]) + bytes([2, 10, 0, 0, 0, H, H]),
        "stat": bytes([3, 0, 0, 1, H]) + bytes([4, 0, 0, 4, H]),
        "readlink": bytes([5, 0, 1, 4, H, H]) + bytes([5, 0, 1, 5, H]),
        "follow-link": bytes([0, 0, 0, 4, 0, H, H, H, H, H]),
        "console": bytes([1, 0x10, 0, 0, 0x80, 8, 5, 0, 0, 0, 0, 0, 0, 0]) +
        bytes([11, 0, 0, 0, 0x81, 1, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        "forged-stat": bytes([3, 0, 0, 1, 12, 56, 0]) + bytes(56) + bytes([8]),
        "forged-dirents": bytes([0, 0, 0, 2, 3, H, H]) + bytes([2, 0, 1, 0, 0, 12 | 0x80, 40, 0]) +
        struct.pack("<QBBHI", 5, 8, 0, 300, 0) + b"x" * 24,
        "forged-len": bytes([0, 0, 0, 1, 0, H, H]) + bytes([1, 0x40, 0, 0, 0, 9]) +
        struct.pack("<I", 0x100000),
        "forged-ret": bytes([0, 0, 0, 1, 0, H, H]) + bytes([1, 0x40, 0, 0, 0, 8]) +
        struct.pack("<q", -100000),
        "wrong-op": bytes([3, 0, 0, 1, 10, 3]),
        "wrong-seq": bytes([3, 0, 0, 1, 11, 1]),
        "bad-magic": bytes([3, 0, 0, 1, 13]),
        "ret-len-mismatch": bytes([0, 0, 0, 1, 0, H, H]) + bytes([1, 0x40, 0, 0, 0, 14, 3]),
        "mkdir-rename": bytes([13, 0, 0, 7, H]) + bytes([15, 0, 0, 7, 0, H]),
        "mmap-host-file": bytes([0, 0, 0, 1, 0, H, H]) + bytes([18, 0, 0, 0, 0, H, H, H]),
        "sendfile": bytes([0, 0, 0, 1, 0, H, H]) + bytes([16, 0, 1, 0, 0, H, H]),
        "fstat-huge-size": bytes([0, 0, 0, 1, 0, H, 15]) + struct.pack("<qI", 0, 56) +
        struct.pack("<QQQQIIIIqqq", 1, 1 << 63, 0, 1, S_IFREG, 0, 0, 4096, 0, 0, 0),
    }
    for name, data in steps.items():
        put("fuzz_hostcall", name, data)


# ---- syscall sequences (fuzz_syscall) ----
SCRATCH = 0x10000000


def sysin(flags, scratch, calls):
    out = bytes([flags]) + struct.pack("<H", len(scratch)) + scratch
    for nr, *args in calls:
        args = list(args) + [0] * (6 - len(args))
        out += struct.pack("<H6Q", nr, *[a & 0xFFFFFFFFFFFFFFFF for a in args])
    return out


def sseeds():
    s = SCRATCH
    # scratch layout: 0 "/etc/passwd", 64 "/tmp/f", 128 "/d", 192 "/proc/self/maps",
    # 256 "/l/passwd", 320 "/host/hello.txt", 1024.. buffers
    strs = {0: b"/etc/passwd", 64: b"/tmp/f", 128: b"/d", 192: b"/proc/self/maps",
            256: b"/l/passwd", 320: b"/host/hello.txt", 384: b"/dev/urandom", 448: b"/tmp/g"}
    scr = bytearray(1024)
    for off, v in strs.items():
        scr[off:off + len(v)] = v + b"\0"
    scr = bytes(scr)
    B = s + 0x1000
    put("fuzz_syscall", "read-file", sysin(0, scr, [(2, s, 0), (0, 3, B, 100), (3, 3)]))
    put("fuzz_syscall", "strace-read", sysin(1, scr, [(2, s, 0), (0, 3, B, 100), (8, 3, 0, 2),
                                                      (1, 1, s, 11), (3, 3)]))
    put("fuzz_syscall", "write-tmp", sysin(0, scr, [(2, s + 64, 0o102, 0o644), (1, 3, s, 11),
                                                    (8, 3, 0, 0), (0, 3, B, 64), (77, 3, 3),
                                                    (87, s + 64)]))
    put("fuzz_syscall", "getdents", sysin(0, scr, [(2, s + 128, 0o200000), (217, 3, B, 4096)]))
    put("fuzz_syscall", "getdents-tiny", sysin(0, scr, [(2, s + 128, 0o200000), (217, 3, B, 10)]))
    put("fuzz_syscall", "proc-maps", sysin(0, scr, [(2, s + 192, 0), (0, 3, B, 4096)]))
    put("fuzz_syscall", "symlink-follow", sysin(0, scr, [(4, s + 256, B), (6, s + 256, B),
                                                         (89, s + 256, B, 100)]))
    put("fuzz_syscall", "mmap-family", sysin(0, scr, [
        (9, 0, 0x10000, 3, 0x22, -1, 0), (10, 0x3BFF0000, 0x1000, 1),
        (25, 0x3BFF0000, 0x10000, 0x20000, 1), (28, SCRATCH, 0x1000, 4),
        (11, 0x3BFF0000, 0x10000), (12, 0)]))
    put("fuzz_syscall", "mremap-fixed", sysin(0, scr, [
        (9, 0x20000000, 0x10000, 3, 0x32, -1, 0), (25, 0x20004000, 0x1000, 0x3000, 3, 0x1FFFF000)]))
    put("fuzz_syscall", "pipe", sysin(0, scr, [(22, B), (1, 4, s, 11), (0, 3, B + 64, 11),
                                               (3, 4), (0, 3, B, 10), (1, 4, s, 1)]))
    put("fuzz_syscall", "signals", sysin(0, scr[:512] + struct.pack("<QQQQ", 0x401000, 0x04000000,
                                                                     0x401000, 0) + scr[544:],
                                         [(13, 10, s + 512, 0, 8), (62, 1, 10), (39,),
                                          (15,), (62, 1, 11)]))
    put("fuzz_syscall", "times", sysin(0, scr[:512] + struct.pack("<qqqq", 1 << 62, 0, 0, 0) +
                                       scr[544:], [(280, -100, s, s + 512, 0), (35, s + 512, 0),
                                                   (23, 0, 0, 0, 0, s + 512), (228, 1, B),
                                                   (230, 0, 1, s + 512, 0)]))
    put("fuzz_syscall", "hostfs", sysin(4, scr, [(2, s + 320, 0), (0, 3, B, 100), (5, 3, B),
                                                 (217, 3, B, 100)]))
    put("fuzz_syscall", "bad-pointers", sysin(1, scr, [(0, 0, 1, 10), (1, 1, -1, 10),
                                                       (2, 1, 0), (4, -4096, 1), (79, 1, 100),
                                                       (318, -1, 1 << 40, 0)]))
    put("fuzz_syscall", "exit", sysin(0, scr, [(39,), (231, 3)]))
    put("fuzz_syscall", "rename-tree", sysin(0, scr, [(83, s + 448, 0o755), (82, s + 448, s + 64),
                                                      (84, s + 64), (80, s + 128), (79, B, 100)]))
    clock = struct.pack("<qq", (1 << 63) - 1000, 7)
    scr8 = bytes([8]) + clock + struct.pack("<H", len(scr)) + scr
    put("fuzz_syscall", "lying-clock", scr8 + b"".join(
        struct.pack("<H6Q", *c) for c in [(7, 0, 0, 5, 0, 0, 0), (228, 1, s + 0x1000, 0, 0, 0, 0),
                                          (35, s + 512, 0, 0, 0, 0, 0), (201, 0, 0, 0, 0, 0, 0)]))
    back = struct.pack("<qq", 10**18, -(10**17))
    put("fuzz_syscall", "clock-backwards", bytes([8]) + back + struct.pack("<H", len(scr)) + scr +
        b"".join(struct.pack("<H6Q", *c) for c in [(228, 1, s + 0x1000, 0, 0, 0, 0),
                                                   (228, 0, s + 0x1000, 0, 0, 0, 0),
                                                   (7, 0, 0, 3, 0, 0, 0)]))
    put("fuzz_syscall", "urandom", sysin(0, scr, [(2, s + 384, 0), (0, 3, B, 300), (318, B, 64, 0)]))


if __name__ == "__main__":
    elf_seeds()
    image_seeds()
    boot_seeds()
    hseeds()
    sseeds()
