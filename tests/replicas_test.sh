#!/usr/bin/env bash
# Replicas on distinct nodes, driven by policy. On a store of two nodes a
# policy with replicas = 2 makes `strata plan` show the copies wanted and
# `strata apply` add one copy of every blob of the dataset (packs of small
# objects aside) on the node its blob does not use; reads return the same bytes; replicas = 1 drops them; a
# third copy with only two nodes is refused by name; a policy that also moves
# the dataset gets its copies made again on the new tier. Scrub finds the
# store clean after each step. Reads fall back to a replica when the blob's
# own blocks are all gone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
DRIVES="$STORE/drives"
strata() { "$STRATA" --store "$STORE" "$@"; }
md5() { md5sum "$1" | cut -d' ' -f1; }
copies_of() { strata stat --json "$1" | jget '1 + len(d["blob"]["replicas"])'; }
tier_of() { strata stat --json "$1" | jget 'd["blob"]["tier"]'; }
# The primary's nodes and each replica's nodes share none.
distinct_nodes() {
  strata stat --json "$1" | jget 'all(not set(r["nodes"]) & {p["node"] for p in d["blob"]["placement"]} for r in d["blob"]["replicas"])'
}
all_intact() {
  local k
  for k in big.bin s1.bin s2.bin; do
    strata get -q "lab/hot/$k" got.bin || fail "$1: get lab/hot/$k failed"
    [[ "$(md5 got.bin)" == "$(md5 "src/$k")" ]] || fail "$1: lab/hot/$k reads back different bytes"
  done
}
set_policy() { # TIER REPLICAS
  cp base.toml "$STORE/strata.toml"
  printf '\n[[policies]]\nname = "popular"\nprefix = "lab/hot/"\ntier = "%s"\nreplicas = %s\n' "$1" "$2" >>"$STORE/strata.toml"
}

strata init -q --nodes 2
cp "$STORE/strata.toml" base.toml
strata mb lab
mkdir src
random_file src/big.bin 3000000
random_file src/s1.bin 1500000
random_file src/s2.bin 2500
for k in big.bin s1.bin s2.bin; do strata put -q "src/$k" "lab/hot/$k"; done
strata dataset add popular lab/hot/ >/dev/null
# big.bin and s1.bin have blobs of their own; s2.bin is small, in a pack,
# which holds other datasets' objects too and is not replicated.
[[ "$(strata stat --json lab/hot/s2.bin | jget 'd["blob"]["kind"]')" == pack ]] || fail "s2.bin is not packed"
blobs=2

set_policy hot 2
strata plan > plan.txt
grep -E '^popular +- +hot +0 +0 B +1->2 +policy popular' plan.txt >/dev/null || fail "plan: $(cat plan.txt)"
strata apply > apply.txt
grep -q "replicas: $blobs added, 0 dropped" apply.txt || fail "apply ($blobs blobs): $(cat apply.txt)"
for k in big.bin s1.bin; do [[ "$(copies_of "lab/hot/$k")" == 2 ]] || fail "$k: copies after apply"; done
[[ "$(copies_of lab/hot/s2.bin)" == 1 ]] || fail "the pack of s2.bin was replicated"
[[ "$(distinct_nodes lab/hot/big.bin)" == true && "$(distinct_nodes lab/hot/s1.bin)" == true ]] ||
  fail "a replica shares a node with its blob: $(strata stat --json lab/hot/big.bin)"
grep -q 'nothing to move' <(strata plan) || fail "plan after apply: $(strata plan)"
all_intact "with replicas"
check_clean "with replicas"
check "replicas = 2: plan shows 1->2, apply copies the 2 blobs of their own to the other node, not the pack"

set_policy hot 3
strata plan | grep -E '^popular .* 2->3 ' >/dev/null || fail "plan for 3 copies: $(strata plan)"
expect_fail_with 1 "needs nodes of tier hot that its other copies do not use" -- strata apply
[[ "$(copies_of lab/hot/big.bin)" == 2 ]] || fail "a refused third copy changed the copies"
check_clean "after the refused third copy"
check "a third copy on two nodes is refused by name and changes nothing"

set_policy hot 1
strata apply > apply.txt
grep -q "replicas: 0 added, $blobs dropped" apply.txt || fail "apply 1 copy: $(cat apply.txt)"
[[ "$(copies_of lab/hot/big.bin)" == 1 ]] || fail "replicas remain after replicas = 1"
all_intact "after dropping the replicas"
check_clean "after dropping the replicas"
check "replicas = 1 drops the copies and their blocks"

set_policy capacity 2
strata plan | grep -E '^popular +hot +capacity +3 .* 1->2 ' >/dev/null || fail "plan for a move with copies: $(strata plan)"
strata apply -q
[[ "$(tier_of lab/hot/big.bin)" == capacity && "$(copies_of lab/hot/big.bin)" == 2 ]] ||
  fail "after the move: tier $(tier_of lab/hot/big.bin), copies $(copies_of lab/hot/big.bin)"
[[ "$(strata stat --json lab/hot/big.bin | jget 'd["blob"]["level2"]')" == "4+2" ]] || fail "moved blob is not 4+2"
[[ "$(distinct_nodes lab/hot/big.bin)" == true ]] || fail "a replica on capacity shares a node with its blob"
all_intact "after the move with copies"
check_clean "after the move with copies"
check "a policy that moves the dataset to capacity with 2 copies moves it, then copies it there"

# Every block of big.bin's own blob gone: reads fall back to its replica.
blob=$(strata stat --json lab/hot/big.bin | jget 'd["blob"]["id"]')
removed=$(find "$DRIVES" -name "$blob-*.blk" -print -delete | wc -l)
(( removed >= 3 )) || fail "removed $removed blocks of blob $blob: fewer than a 4+2 code loses the data with"
for i in 1 2 3 4; do
  strata get -q lab/hot/big.bin got.bin || fail "read $i of big.bin without its own blocks failed"
  [[ "$(md5 got.bin)" == "$(md5 src/big.bin)" ]] || fail "read $i of big.bin without its own blocks differs"
done
[[ "$(strata status --json | jget 'd["health"]')" == degraded ]] || fail "the lost blocks were not recorded for repair"
check "with all $removed blocks of its own blob deleted, 4 reads of big.bin in a row come whole from its replica; status is degraded"

finish_test
