#!/usr/bin/python3
"""check_report.py -- does an hpml report render in a browser?

usage: check_report.py REPORT.html ID [ID ...] [--screenshot OUT.png]

1. Headless Chromium --dump-dom: every ID names an <svg class="fig"> with
   data-points > 0, a <title> and drawn child elements, and the page holds no
   <script>. (The id "metrics" names the metrics <table>.)
2. Headless Chromium --screenshot at 1200 x 3000: the PNG exists, decodes
   (zlib, all five PNG filters) and is not blank: many distinct colours, and
   the figures' blue (#0072B2) is on it.

Exit status 0 when all holds; 1 with a message saying what does not; 2 on bad
usage; 77 (printing SKIP) when Chromium is not installed. Standard library only.
"""
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

BLUE = (0x00, 0x72, 0xB2)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(chrome, profile, args, url):
    cmd = [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile] + args + [url]
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    except subprocess.TimeoutExpired:
        sys.exit("FAIL: chromium did not finish within 180 s: " + " ".join(cmd))


class Figures(html.parser.HTMLParser):
    """Collects, per element id, the tag, its attributes, and for <svg> the
    tags of the elements inside it."""

    def __init__(self):
        super().__init__()
        self.elements = {}
        self.scripts = 0
        self.current = None   # id of the <svg> being read

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if self.current is not None:
            self.elements[self.current]["children"].append(tag)
        if "id" in a and a["id"] not in self.elements:
            self.elements[a["id"]] = {"tag": tag, "attrs": a, "children": []}
            if tag == "svg":
                self.current = a["id"]

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


def check_dom(chrome, profile, url, ids):
    r = run_chromium(chrome, profile, ["--dump-dom"], url)
    dom = r.stdout.decode("utf-8", "replace")
    if r.returncode != 0 or "<body" not in dom:
        return ["chromium --dump-dom failed (status %d): %s" %
                (r.returncode, r.stderr.decode("utf-8", "replace")[-400:])]
    p = Figures()
    p.feed(dom)
    errors = []
    if p.scripts:
        errors.append("the page holds %d <script> element(s)" % p.scripts)
    for i in ids:
        e = p.elements.get(i)
        if e is None:
            errors.append("no element with id %r" % i)
            continue
        if i == "metrics":
            if e["tag"] != "table":
                errors.append("#metrics is a <%s>, not a <table>" % e["tag"])
            continue
        if e["tag"] != "svg":
            errors.append("#%s is a <%s>, not an <svg>" % (i, e["tag"]))
            continue
        cls = e["attrs"].get("class", "").split()
        try:
            points = int(e["attrs"].get("data-points", "0"))
        except ValueError:
            points = 0
        drawn = [t for t in e["children"] if t in ("circle", "path", "rect", "line", "polyline")]
        if "fig" not in cls:
            errors.append("#%s lacks class=\"fig\"" % i)
        if points <= 0:
            errors.append("#%s has data-points=%r (no data)" % (i, e["attrs"].get("data-points")))
        if "title" not in e["children"]:
            errors.append("#%s has no <title>" % i)
        if len(drawn) < 2:
            errors.append("#%s draws nothing (%d shapes)" % (i, len(drawn)))
    return errors


def png_pixels(path):
    """(width, height, bytes per pixel, rows of raw pixel bytes) of an 8-bit,
    non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, head = 8, [], None
    while pos + 8 <= len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    if head is None:
        raise ValueError("no IHDR chunk")
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or interlace or ctype not in (0, 2, 4, 6):
        raise ValueError("unsupported PNG (depth %d, colour type %d, interlace %d)" %
                         (depth, ctype, interlace))
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(idat))
    rb = w * bpp
    if len(raw) != h * (rb + 1):
        raise ValueError("image data is %d bytes, expected %d" % (len(raw), h * (rb + 1)))
    # bytewise addition mod 256 of whole rows at once, on big integers
    m7 = int.from_bytes(b"\x7f" * rb, "big")
    m8 = int.from_bytes(b"\x80" * rb, "big")
    prev, rows = bytearray(rb), []
    for y in range(h):
        f = raw[y * (rb + 1)]
        line = bytearray(raw[y * (rb + 1) + 1:(y + 1) * (rb + 1)])
        if f == 1:      # Sub
            for i in range(bpp, rb):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:    # Up
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = bytearray((((a & m7) + (b & m7)) ^ ((a ^ b) & m8)).to_bytes(rb, "big"))
        elif f == 3:    # Average
            for i in range(rb):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:    # Paeth
            for i in range(rb):
                if i >= bpp:
                    a, c = line[i - bpp], prev[i - bpp]
                else:
                    a = c = 0
                b = prev[i]
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - c - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif f != 0:
            raise ValueError("row %d has unknown filter %d" % (y, f))
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_screenshot(chrome, profile, url, out):
    if os.path.exists(out):
        os.remove(out)
    r = run_chromium(chrome, profile, ["--screenshot=" + out, "--window-size=1200,3000"], url)
    if not os.path.exists(out) or os.path.getsize(out) == 0:
        return ["chromium --screenshot wrote no image (status %d): %s" %
                (r.returncode, r.stderr.decode("utf-8", "replace")[-400:])]
    try:
        w, h, bpp, rows = png_pixels(out)
    except (ValueError, zlib.error) as e:
        return ["the screenshot %s does not decode: %s" % (out, e)]
    if (w, h) != (1200, 3000):
        return ["the screenshot is %d x %d, expected 1200 x 3000" % (w, h)]
    colours, blue, dark = set(), 0, 0
    for r_ in rows[::2]:
        for i in range(0, len(r_) - bpp + 1, 2 * bpp):
            px = r_[i:i + 3] if bpp >= 3 else r_[i:i + 1] * 3
            colours.add(px)
            if all(abs(px[k] - BLUE[k]) <= 12 for k in range(3)):
                blue += 1
            if px[0] < 128 and px[1] < 128 and px[2] < 128:
                dark += 1
    errors = []
    if len(colours) < 16:
        errors.append("the screenshot is blank: %d distinct colours" % len(colours))
    if dark < 200:
        errors.append("the screenshot shows almost no text (%d dark pixels sampled)" % dark)
    if blue < 200:
        errors.append("no figure drawn on the screenshot (%d pixels of the figures' blue)" % blue)
    return errors


def main(argv):
    args, shot = [], None
    it = iter(argv[1:])
    for a in it:
        if a == "--screenshot":
            shot = next(it, None)
        else:
            args.append(a)
    if len(args) < 1 or (shot is None and "--screenshot" in argv):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    report, ids = os.path.abspath(args[0]), args[1:]
    chrome = find_chromium()
    if chrome is None:
        print("SKIP: chromium is not installed (Debian: apt-get install chromium)")
        return 77
    if not os.path.isfile(report):
        print("FAIL: %s: no such file" % report)
        return 1
    url = "file://" + report
    with tempfile.TemporaryDirectory(prefix="check_report_") as profile:
        errors = check_dom(chrome, profile, url, ids)
        if shot is not None:
            errors += check_screenshot(chrome, profile, url, shot)
    if errors:
        for e in errors:
            print("FAIL: %s: %s" % (report, e))
        return 1
    print("ok: %s: %d figures rendered%s" % (report, len(ids),
                                             ", screenshot " + shot if shot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
