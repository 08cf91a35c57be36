#!/bin/sh
# Fuzzes every target (fuzz/) for SECONDS each (600 unless given), from a random seed; bin/test tries a
# fixed number of inputs from a fixed seed instead.
# A failing input lands in fuzz/target/fuzz/TARGET/findings; fixed, it goes to fuzz/corpus/TARGET.
# Usage: bench/fuzz.sh [seconds-per-target]
set -e
cd "$(dirname "$0")/.."
exec mvn -o -B -pl app,runtime,fuzz verify -Dtest=FuzzingTest -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.seconds="${1:-600}"
