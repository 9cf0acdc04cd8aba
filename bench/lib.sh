# shellcheck shell=bash
# lib.sh — what the benchmark scripts share (source it from the repo root):
# building the standalone data generators and caching what they write.

# build_gen NAME: builds build/bench/gen_NAME from bench/gen_NAME.c (and the
# generator RNG it includes) when missing or older than its sources.
build_gen() {
    local bin=build/bench/gen_$1 src=bench/gen_$1.c
    mkdir -p build/bench
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ bench/gen_rng.h -nt "$bin" ]; then
        gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$bin" "$src" -lm
    fi
}

# gen_hash NAME: a short hash of everything that shapes gen_NAME's output.
gen_hash() {
    cat "bench/gen_$1.c" bench/gen_rng.h | sha256sum | cut -c1-16
}

# cached_gen TAG FILE META NEED CMD...: runs CMD (which writes FILE on stdout)
# unless FILE exists with a sidecar FILE.meta whose first line is META and
# whose second line matches the file's current size. NEED: bytes that must be
# free in FILE's folder before generating (0: no check). Temp name + mv: an
# interrupted run never leaves a truncated file that looks reusable.
cached_gen() {
    local tag=$1 file=$2 want=$3 need=$4; shift 4
    if [ -f "$file" ] && [ -f "$file.meta" ] &&
       [ "$(sed -n 1p "$file.meta")" = "$want" ] &&
       [ "$(sed -n 2p "$file.meta")" = "size=$(stat -c %s "$file")" ]; then
        echo "$tag: reusing $file ($(stat -c %s "$file") bytes)"
        return
    fi
    if [ "$need" -gt 0 ]; then
        local avail
        avail=$(df --output=avail -B1 "$(dirname "$file")" | tail -n 1 | tr -d ' ')
        if [ "$avail" -le "$need" ]; then
            echo "$tag: need ~$((need / 1000000)) MB free for $file, have $((avail / 1000000)) MB" >&2
            exit 1
        fi
    fi
    echo "$tag: generating $file"
    rm -f "$file" "$file.meta"
    local t0=$SECONDS
    "$@" >"$file.tmp"
    mv "$file.tmp" "$file"
    printf '%s\nsize=%s\n' "$want" "$(stat -c %s "$file")" >"$file.meta"
    echo "$tag: ... $(($(stat -c %s "$file") / 1000000)) MB in $((SECONDS - t0)) s"
}
