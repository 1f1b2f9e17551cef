"""The riscv64 syscall table's 32-bit argument masks agree with the
prototypes in core/include/nto/sys.h.

RV64's calling convention passes a 32-bit argument (int, unsigned int,
pid_t, ...) sign-extended from bit 31, signed or not, and compiled code
relies on it; a program's libc may leave the upper half of the register
as it likes (glibc zero-extends an unsigned int: FUTEX_WAITERS, uid -1).
Linux's SYSCALL_DEFINE casts narrow such arguments; NTO's dispatcher does
it from each table entry's mask (struct syscall_desc.int32). This checks
every mask against the body's prototype, without building anything.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYS_H = ROOT / "core" / "include" / "nto" / "sys.h"
TABLE = ROOT / "core" / "arch" / "riscv64" / "syscall_table.c"
INT32_TYPES = {"int", "unsigned", "unsigned int", "uint32_t", "int32_t", "pid_t", "uid_t",
               "gid_t", "mode_t", "clockid_t"}


def prototypes() -> dict[str, list[str]]:
    """sys_NAME -> the types of its parameters."""
    text = SYS_H.read_text()
    out = {}
    for m in re.finditer(r"^long (sys_\w+)\(([^;]*)\);", text, re.M):
        params = " ".join(m.group(2).split())
        if params in ("void", ""):
            out[m.group(1)] = []
            continue
        types = []
        for p in params.split(","):
            p = p.strip()
            if "*" in p:
                types.append("pointer")
            else:
                words = p.replace("const ", "").split()
                types.append(" ".join(words[:-1]) if len(words) > 1 else words[0])
        out[m.group(1)] = types
    return out


def int32_mask(types: list[str]) -> int:
    return sum(1 << i for i, t in enumerate(types) if t in INT32_TYPES)


def table_entries() -> list[tuple[str, int]]:
    """(sys_NAME, mask) of every entry of the riscv64 table."""
    text = TABLE.read_text()
    out = []
    for m in re.finditer(r"\bS\(\d+, (\w+), \"[^\"]*\", (0x[0-9a-f]+|\d+)\)", text):
        out.append(("sys_" + m.group(1), int(m.group(2), 0)))
    for m in re.finditer(r"SYSCALL_FN\((sys_\w+)\), \"\w+\", \"[^\"]*\", (0x[0-9a-f]+|\d+)\}",
                         text):
        out.append((m.group(1), int(m.group(2), 0)))
    return out


def test_riscv64_int32_masks_match_the_prototypes():
    protos = prototypes()
    entries = table_entries()
    assert len(entries) > 100, "the table's entries were not found"
    wrong = []
    for fn, mask in entries:
        assert fn in protos, f"{fn} is not declared in sys.h"
        want = int32_mask(protos[fn])
        if mask != want:
            wrong.append(f"{fn}: table {mask:#x}, prototype {want:#x} ({protos[fn]})")
    assert not wrong, "\n".join(wrong)
