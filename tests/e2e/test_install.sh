# test_install.sh — `make install PREFIX=...` gives a header, both libraries and
# a pkg-config file that a C program builds and links against (static and shared).
source "$(dirname "$0")/lib.sh"
case "$HPML" in *san*) exit 0 ;; esac  # once is enough

prefix=$TMP/prefix
if ! make -s install PREFIX="$prefix" >"$TMP/out" 2>"$TMP/err"; then
    fail install "make install failed"
    exit 0
fi
for f in include/hpml.h lib/libhpml.a lib/libhpml.so lib/pkgconfig/hpml.pc bin/hpml; do
    [ -e "$prefix/$f" ] && pass "install_has_${f//\//_}" || fail "install_has_${f//\//_}" "missing"
done
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
if cc examples/read_csv.c $(pkg-config --cflags hpml) $(pkg-config --libs hpml) -o "$TMP/shared" 2>"$TMP/err" &&
    LD_LIBRARY_PATH=$prefix/lib "$TMP/shared" $FIX/small.csv >"$TMP/out" 2>>"$TMP/err" &&
    grep -q "^5 rows, 4 columns" "$TMP/out" && grep -q "^dose: mean 1.875" "$TMP/out"; then
    pass example_links_shared
else
    fail example_links_shared "build or run against libhpml.so failed"
fi
if cc examples/read_csv.c $(pkg-config --cflags hpml) $prefix/lib/libhpml.a \
        $(pkg-config --libs --static hpml | sed 's/ -lhpml / /') -o "$TMP/static" 2>"$TMP/err" &&
    "$TMP/static" $FIX/small.csv >"$TMP/out" 2>>"$TMP/err" && grep -q "^5 rows" "$TMP/out"; then
    pass example_links_static
else
    fail example_links_static "build or run against libhpml.a failed"
fi
if "$prefix/bin/hpml" --version | grep -q "^hpml $(pkg-config --modversion hpml) "; then
    pass installed_binary_version
else
    fail installed_binary_version "version mismatch"
fi
