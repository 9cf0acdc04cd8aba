# hpml — GNU make build.
#
#   make               lib/libhpml.a, lib/libhpml.so, bin/hpml (with MPI when mpicc
#                      is found; MPI=0 leaves it out, MPI=1 insists: docs/mpi.md)
#   make test          every test, plain and under ASan+UBSan; ends "N passed, N failed"
#   make demo          builds and runs the main job on generated data
#   make bench         benchmarks against the anchors (bench/)
#   make fuzz          libFuzzer harness for the CSV reader (clang)
#   make install PREFIX=/usr/local
#   make clean
#
# Dependencies (Debian packages) are installed by scripts/install-deps.sh, which
# make runs once (stamp file build/.deps).

CC      ?= gcc
PREFIX  ?= /usr/local
OPT     ?= -O2
# -fno-math-errno -fno-trapping-math: nothing reads errno after a math call
# or traps on a floating-point exception, so sqrt/fabs inline and loops with
# comparisons vectorize; the values computed are the same.
CFLAGS_BASE := -std=c11 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -Wno-unused-parameter -fopenmp -fPIC -fvisibility=hidden -fno-math-errno \
               -fno-trapping-math -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc
CFLAGS  ?= $(OPT)
# OpenBLAS (nets). Recursively expanded: pkg-config runs when a recipe needs
# it, after scripts/install-deps.sh has installed the package.
BLAS_CFLAGS = $(shell pkg-config --cflags openblas)
BLAS_LIBS   = $(shell pkg-config --libs openblas)
# MPI: the backend of src/dist is dist_mpi.c when mpicc is found (or MPI=1),
# dist_single.c otherwise or with MPI=0. Both files are always compiled, each
# empty unless its HPML_MPI setting is on, so the object list does not depend
# on mpicc; the flags are recursively expanded like BLAS_*: evaluated in
# recipes, after scripts/install-deps.sh has installed Open MPI. Open MPI's
# mpicc says its flags with --showme:*, MPICH's with -show.
MPI     ?= auto
MPICC   ?= mpicc
MPI_ON   = $(if $(filter 0,$(MPI)),,$(if $(filter 1,$(MPI)),1,$(if $(shell command -v $(MPICC) 2>/dev/null),1,)))
MPI_CFLAGS = $(if $(MPI_ON),-DHPML_MPI $(filter -I% -D% -pthread,$(shell $(MPICC) --showme:compile 2>/dev/null || $(MPICC) -show)))
MPI_LIBS   = $(if $(MPI_ON),$(filter -L% -l% -Wl% -pthread,$(shell $(MPICC) --showme:link 2>/dev/null || $(MPICC) -show)))
DIST_CFLAGS =
LIBS     = $(BLAS_LIBS) $(MPI_LIBS) -lz -lm -lpthread
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  := $(sort $(wildcard src/*/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))

OBJ      := $(LIB_SRC:%.c=build/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=build/obj/%.o)
SAN_OBJ  := $(LIB_SRC:%.c=build/san/%.o)
SAN_CLI  := $(CLI_SRC:%.c=build/san/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=build/tests/%)
SAN_TESTS:= $(TEST_SRC:tests/unit/%.c=build/san/tests/%)

DEPS_STAMP := build/.deps
# The MPI flags in use: rewritten when they change, so the backends rebuild.
MPI_CONFIG := build/mpi.config
DIST_OBJ := $(filter %/src/dist/dist_mpi.o %/src/dist/dist_single.o,$(OBJ) $(SAN_OBJ))
MPI_TEST := build/tests/mpi_dist build/san/tests/mpi_dist

.PHONY: all test test-plain test-san demo bench fuzz install clean deps FORCE
all: lib/libhpml.a lib/libhpml.so bin/hpml

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@mkdir -p build
	scripts/install-deps.sh
	@touch $@

# Objects: public API symbols are exported from the shared library by
# HPML_API (default visibility); everything else stays hidden.
build/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(BLAS_CFLAGS) $(DIST_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
build/san/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(BLAS_CFLAGS) $(DIST_CFLAGS) -O1 $(SAN) -MMD -MP -c $< -o $@

$(DIST_OBJ): DIST_CFLAGS = $(MPI_CFLAGS)
$(DIST_OBJ): $(MPI_CONFIG)
$(MPI_CONFIG): FORCE | $(DEPS_STAMP)
	@echo 'MPI_CFLAGS=$(MPI_CFLAGS) MPI_LIBS=$(MPI_LIBS)' >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

lib/libhpml.a: $(OBJ)
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^
lib/libhpml.so: $(OBJ)
	@mkdir -p lib
	$(CC) -shared -fopenmp -Wl,-soname,libhpml.so.0 -o $@ $^ $(LIBS)
bin/hpml: $(CLI_OBJ) lib/libhpml.a
	@mkdir -p bin
	$(CC) -fopenmp -o $@ $(CLI_OBJ) lib/libhpml.a $(LIBS)

build/san/libhpml.a: $(SAN_OBJ)
	rm -f $@
	ar rcs $@ $^
build/san/hpml: $(SAN_CLI) build/san/libhpml.a
	$(CC) -fopenmp $(SAN) -o $@ $(SAN_CLI) build/san/libhpml.a $(LIBS)

build/tests/%: tests/unit/%.c lib/libhpml.a tests/unit/check.h tests/unit/testdata.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(BLAS_CFLAGS) $(CFLAGS) -o $@ $< lib/libhpml.a $(LIBS)
build/san/tests/%: tests/unit/%.c build/san/libhpml.a tests/unit/check.h tests/unit/testdata.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(BLAS_CFLAGS) -O1 $(SAN) -o $@ $< build/san/libhpml.a $(LIBS)

# The MPI test program: run by tests/e2e/test_mpi.sh under mpirun.
build/tests/mpi_dist: tests/mpi/mpi_dist.c lib/libhpml.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -o $@ $< lib/libhpml.a $(LIBS)
build/san/tests/mpi_dist: tests/mpi/mpi_dist.c build/san/libhpml.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(SAN) -o $@ $< build/san/libhpml.a $(LIBS)

test: all $(TESTS) build/san/hpml $(SAN_TESTS) $(MPI_TEST)
	@tests/run.sh

demo: all
	@scripts/demo.sh

bench: all
	@bench/run.sh

fuzz: | $(DEPS_STAMP)
	@mkdir -p build/fuzz/corpus
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fopenmp -Iinclude -Isrc $(BLAS_CFLAGS) \
	    -D_POSIX_C_SOURCE=200809L -o build/fuzz/fuzz_csv tests/fuzz/fuzz_csv.c $(LIB_SRC) $(LIBS)
	build/fuzz/fuzz_csv -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 \
	    build/fuzz/corpus tests/fuzz/corpus

install: all
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/hpml.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 lib/libhpml.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 lib/libhpml.so $(DESTDIR)$(PREFIX)/lib/libhpml.so.0
	ln -sf libhpml.so.0 $(DESTDIR)$(PREFIX)/lib/libhpml.so
	install -m 755 bin/hpml $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@MPI_LIBS@|$(MPI_LIBS)|' -e 's|@VERSION@|'"$$(sed -n 's/^#define HPML_VERSION_STRING "\(.*\)"/\1/p' include/hpml.h)"'|' \
	    hpml.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/hpml.pc

clean:
	rm -rf build/obj build/san build/tests build/fuzz build/mpi.config lib bin

-include $(OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(SAN_CLI:.o=.d)
