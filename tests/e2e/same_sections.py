"""same_sections.py STAR.hpml MAT.hpml: every section of the materialised model
(MAT) is in the star-schema model (STAR) with the same bytes, in the same order,
and STAR has one more, "JOINS", last. Prints why not and exits 1; silent if so.
Used by tests/e2e/lib.sh (same_sections)."""
import struct, sys
def sections(path):
    b = open(path, "rb").read()
    assert b[:4] == b"HPML", path
    n = struct.unpack_from("<I", b, 8)[0]
    out = []
    for i in range(n):
        tag, off, size, _crc, _r = struct.unpack_from("<8sQQII", b, 16 + 32 * i)
        out.append((tag.rstrip(b"\0").decode(), b[off:off + size]))
    return out
a, b = sections(sys.argv[1]), sections(sys.argv[2])
tags_a, tags_b = [t for t, _ in a], [t for t, _ in b]
if tags_a != tags_b + ["JOINS"]:
    sys.exit("sections %s vs %s" % (tags_a, tags_b))
for (t, x), (_, y) in zip(a, b):
    if x != y:
        sys.exit("section %s differs (%d vs %d bytes)" % (t, len(x), len(y)))
