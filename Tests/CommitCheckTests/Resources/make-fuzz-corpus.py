#!/usr/bin/env python3
"""Regenerates fuzz-corpus/ from the shipped models (run from the package root).

Each shipped model becomes a seed without comments and with N = 2 (so most executions finish
below the fuzzer's state bound), plus variants with each failure budget, each network semantics
and small models for the features the shipped ones do not use (maps, enums, fifo, eventually,
recovery, rates). Crash reproducers found by the fuzzer live next to them as crash-*.commit.
"""
import glob, os, re

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz-corpus")
os.makedirs(here, exist_ok=True)
for old in glob.glob(os.path.join(here, "seed-*")):
    os.remove(old)

def strip(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = [re.sub(r"\s*//.*$", "", l).rstrip() for l in text.split("\n")]
    return "\n".join(l for l in lines if l) + "\n"

def write(name, text):
    name = name if name.startswith("seed-") else "seed-" + name
    with open(os.path.join(here, name + ".commit"), "w") as f:
        f.write(text)

for path in sorted(glob.glob("models/*.commit")):
    base = os.path.basename(path)[:-len(".commit")]
    text = strip(open(path).read())
    text = re.sub(r"(param N: \d+\.\.\.\d+ =) \d+", r"\1 2", text)
    write(base, text)
    roles = re.findall(r"^role (\w+)", text, flags=re.M)
    budgets = {
        "crash": "failures { crash %s: 1 }" % roles[0],
        "recover": "failures { crash %s: 1 recover %s: 1 }" % (roles[0], roles[0]),
        "lose": "failures { lose: 1 }",
        "duplicate": "failures { duplicate: 1 }",
        "partition": "failures { partition }",
    }
    for kind, block in budgets.items():
        write("%s-%s" % (base, kind), text + block + "\n")
    for network in ["fifo", "set"]:
        if re.search(r"^network \w+", text, flags=re.M):
            write("%s-%s" % (base, network), re.sub(r"^network \w+", "network " + network, text, flags=re.M))

features = {
    "maps-enums": """protocol Votes
param N: 1...4 = 2
network fifo capacity 2
enum Answer { yes, no, none }
message Ask
message Reply(a: Answer)
role C {
  var got: map<P, Answer> = none
  var n: 0...4
  state asking initial
  state done decides commit
  state failed decides abort
  start { send Ask to all P }
  on asking receive Reply(a: x) from p when x == yes { got[p] = yes; n += 1
    if n == N { goto done } }
  on asking receive Reply(a: no) from p { got[p] = no; goto failed }
}
role P[N] symmetric {
  state idle initial
  state sent
  on idle receive Ask from c { choose {
    y rate 3: { send Reply(a: yes) to c; goto sent }
    n rate 0.5: { send Reply(a: no) to c; goto sent }
  } }
}
invariant agreed: C in done implies all p in P: C.got[p] == yes
eventually finished: C in {done, failed}
""",
    "recovery-stable": """protocol Recover
network unordered capacity 2
message Ping(v: 0...2)
role A[2] {
  stable var seen: set<A>
  var n: -1...1 = 0
  state s initial
  state t decides commit
  recover to s
  on s step ping when n == 0 and size(seen) < 2 { send Ping(v: 1) to A[2]; n = n - 1 }
  on any receive Ping(v: k) from q when k > 0 { seen += q; goto t }
  on s timeout when unreachable(A[2]) { goto t }
}
failures { crash A: 1 recover A: 1 lose: 1 duplicate: 1 partition: 1 }
invariant small: (count p in A: p in t) <= 2
""",
    "set-network-decided": """protocol Flags
network set
message Go(up: bool)
role L { var x: bool
  state a initial
  state b decides commit
  state c decides abort
  on a step go rate 2 { choose { up: { send Go(up: true) to all F; goto b } down: { send Go(up: false) to all F; goto c } } }
}
role F[3] { state w initial
  state y decides commit
  state z decides abort
  on w receive Go(up: v) { goto v ? y : z }
  on w timeout when crashed(L) { goto z }
}
failures { crash L: 1 }
invariant same: all p in F: (p in y) == (L in b) or p in w or crashed(L)
eventually all_decided: all p in F: decided(p)
""",
}
for name, text in features.items():
    write(name, text)
