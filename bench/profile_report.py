"""Reads callgrind profiles for the `cost` section of `make bench` (bench/callgrind_cost.py): total instructions
(Ir) and each function's own (exclusive) Ir, and prints the top functions per request.

Format: valgrind's "Callgrind Format Specification" (docs/html/cl-format.html in the valgrind docs): `ob=`/`fn=`
set the current object and function, names are compressed as `(id) name` on first use and `(id)` after, a cost
line is its position fields then event counts, and the cost line right after `calls=` is the callee's inclusive
cost, which belongs to the callee, not to the caller's own cost."""
import os
import re
import subprocess
from dataclasses import dataclass, field

# Which name table each specification line uses (callers and callees share one per kind).
NAME_KINDS = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl",
              "fn": "fn", "cfn": "fn"}


@dataclass
class Profile:
    total: int = 0
    # (object file's base name, function) -> exclusive Ir
    functions: dict = field(default_factory=dict)

    @staticmethod
    def combine(terms):
        """The sum of coefficient x profile over `terms`, function by function (no floor: see `clamped`)."""
        result = Profile(0, {})
        for coefficient, profile in terms:
            result.total += coefficient * profile.total
            for key, cost in profile.functions.items():
                result.functions[key] = result.functions.get(key, 0) + coefficient * cost
        return result

    def clamped(self):
        """No function, and not the total, below zero (what is left after subtracting an estimate)."""
        return Profile(max(0.0, self.total), {key: max(0.0, cost) for key, cost in self.functions.items()})


def read_profile(path):
    """The Ir totals of one callgrind dump, by function."""
    tables = {"ob": {}, "fl": {}, "fn": {}}
    positions, event_index = 1, 0
    obj, function, call_cost_next = "???", "???", False
    profile = Profile()

    def resolve(kind, text):
        if not text.startswith("("):
            return text
        close = text.index(")")
        ident, name = text[1:close], text[close + 1:].strip()
        if name:
            tables[kind][ident] = name
        return tables[kind].get(ident, f"({ident})")

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line[0].isdigit() or line[0] in "+-*":
                if call_cost_next:
                    call_cost_next = False
                    continue
                fields = line.split()
                if len(fields) > positions + event_index:
                    key = (obj, function)
                    profile.functions[key] = profile.functions.get(key, 0) + int(fields[positions + event_index])
                continue
            key, _, value = line.partition("=")
            if key in NAME_KINDS:
                name = resolve(NAME_KINDS[key], value)
                if key == "ob":
                    obj = os.path.basename(name)
                elif key == "fn":
                    # callgrind marks a recursion level or calling context with 'N; it is the same code.
                    function = re.sub(r"'\d+$", "", name)
            elif key == "calls":
                call_cost_next = True
            elif line.startswith("positions:"):
                positions = len(line.split()[1:])
            elif line.startswith("events:"):
                event_index = line.split()[1:].index("Ir")
            elif line.startswith("totals:") or line.startswith("summary:"):
                profile.total = max(profile.total, int(line.split()[1 + event_index]))
    return profile


def demangle(names, swift="swift"):
    """Swift symbols in readable form (the stripped binary keeps only mangled names); others pass unchanged."""
    try:
        result = subprocess.run([swift, "demangle", "--simplified", "--compact"], input="\n".join(names),
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return names
    lines = result.stdout.splitlines()
    return lines if result.returncode == 0 and len(lines) == len(names) else names


def top_functions(profile, requests, top, swift="swift", indent="    "):
    """Lines of the `top` functions by own Ir: Ir per request, share of the total, name [object]."""
    ranked = sorted(profile.functions.items(), key=lambda item: item[1], reverse=True)[:top]
    names = demangle([function for (_, function), _ in ranked], swift)
    lines = []
    for ((obj, _), cost), name in zip(ranked, names):
        shown = name if len(name) <= 96 else name[:93] + "..."
        share = 100 * cost / profile.total if profile.total else 0
        lines.append(f"{indent}{cost / requests:>10,.0f} {share:5.1f}%  {shown}  [{obj}]")
    return lines
