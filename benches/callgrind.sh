# Sourced by the `instructions.sh` scripts: counting instructions with callgrind.

command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

# instructions_per_pass N COMMAND...: the instructions one of N passes costs. COMMAND is run twice under
# callgrind, with N and with 2N as its last argument; start-up and set-up cancel out in the difference.
instructions_per_pass() {
  local passes=$1
  shift
  local one two
  one=$(callgrind_total "$@" "$passes")
  two=$(callgrind_total "$@" $((2 * passes)))
  echo $(( (two - one) / passes ))
}

# callgrind_total COMMAND...: every instruction COMMAND executes.
callgrind_total() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
