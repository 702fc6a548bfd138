#!/usr/bin/env python3
"""make-demo-photos.py: draw the demo's three photos of one household in
Kelurahan Karawaci (Kota Tangerang) and give them the EXIF a phone writes:
camera, time taken and a GPS position at the house.

Everything is drawn here from rectangles, triangles and ellipses: no real
person, card or house is pictured, and the "cards" carry no readable data
(grey bars stand for the text).  The JPEG encoding is cjpeg's
(libjpeg-turbo-progs); the Exif segment is written below by hand (TIFF,
big-endian).  Run from this folder:  python3 make-demo-photos.py
Needs: python3, cjpeg.  The output is committed, so a build never runs this.

The time taken is DEMO_TAKEN; sigacor-demo rewrites it in its copies to
the day the demo runs (same length), so the first run has no "photo older
than 30 days" warning."""

import struct
import subprocess

W, H = 640, 480
DEMO_TAKEN = b"2026:01:15 09:30:00"   # rewritten by sigacor-demo (same length)

# Kelurahan Karawaci (36.71.07.1001), Kecamatan Karawaci, within 20 m of
# Bojong Jaya (36.71.07.1002): the demo operator's two kelurahan, so a
# household of either gets no "other kelurahan" warning (closer than the
# 50 m the polygons are trusted to).  The house and, a few metres away,
# where the clerk photographed the cards.
PHOTOS = [
    ("rumah_karawaci_RT003.jpg", "house", -6.195642, 106.624438),
    ("ktp_karawaci_RT003.jpg", "ktp", -6.195642, 106.624518),
    ("kk_karawaci_RT003.jpg", "kk", -6.195562, 106.624438),
]


class Canvas:
    def __init__(self, w, h, colour):
        self.w, self.h = w, h
        self.px = bytearray(bytes(colour) * (w * h))

    def rect(self, x0, y0, x1, y1, c):
        x0, x1 = max(0, x0), min(self.w, x1)
        row = bytes(c) * max(0, x1 - x0)
        for y in range(max(0, y0), min(self.h, y1)):
            i = (y * self.w + x0) * 3
            self.px[i:i + len(row)] = row

    def triangle(self, a, b, c, col):
        (ax, ay), (bx, by), (cx, cy) = a, b, c
        for y in range(max(0, min(ay, by, cy)), min(self.h, max(ay, by, cy) + 1)):
            xs = []
            for (px, py), (qx, qy) in ((a, b), (b, c), (c, a)):
                if py != qy and min(py, qy) <= y <= max(py, qy):
                    xs.append(px + (y - py) * (qx - px) / (qy - py))
            if len(xs) >= 2:
                self.rect(int(min(xs)), y, int(max(xs)) + 1, y + 1, col)

    def ellipse(self, cx, cy, rx, ry, col):
        for y in range(max(0, cy - ry), min(self.h, cy + ry + 1)):
            d = 1 - ((y - cy) / ry) ** 2
            if d >= 0:
                half = int(rx * d ** 0.5)
                self.rect(cx - half, y, cx + half + 1, y + 1, col)

    def noise(self, amount, seed):
        """A little sensor noise, so the JPEG looks like a photo."""
        state = seed
        for i in range(len(self.px)):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            v = self.px[i] + ((state >> 16) % (2 * amount + 1)) - amount
            self.px[i] = 0 if v < 0 else 255 if v > 255 else v

    def ppm(self):
        return b"P6 %d %d 255\n" % (self.w, self.h) + bytes(self.px)


def house():
    c = Canvas(W, H, (150, 195, 235))                 # sky
    c.rect(0, 330, W, H, (120, 120, 115))             # road
    c.rect(0, 318, W, 332, (90, 150, 70))             # verge
    c.rect(140, 180, 500, 330, (232, 220, 190))       # walls
    c.triangle((110, 185), (530, 185), (320, 90), (165, 70, 50))   # genteng roof
    c.rect(290, 235, 350, 330, (110, 75, 45))         # door
    for x in (175, 405):                              # windows with frames
        c.rect(x - 4, 221, x + 64, 284, (240, 240, 240))
        c.rect(x, 225, x + 60, 280, (70, 90, 110))
        c.rect(x + 28, 225, x + 32, 280, (240, 240, 240))
    c.rect(150, 300, 500, 306, (200, 190, 160))       # plinth
    c.rect(520, 250, 600, 330, (60, 120, 60))         # plants in pots
    c.ellipse(560, 240, 40, 30, (70, 140, 70))
    c.rect(355, 150, 385, 175, (200, 200, 200))       # house number plate
    c.noise(6, 1)
    return c


def ktp():
    c = Canvas(W, H, (95, 80, 65))                    # a table top
    c.rect(70, 90, 570, 400, (150, 200, 230))         # the card, pale blue
    c.rect(70, 90, 570, 135, (110, 160, 205))         # header band
    c.rect(180, 102, 460, 112, (245, 245, 245))       # header "text" bars
    c.rect(220, 118, 420, 126, (245, 245, 245))
    for i in range(9):                                # field bars: no data
        y = 155 + i * 24
        c.rect(95, y, 170, y + 9, (90, 100, 110))
        c.rect(185, y, 185 + 120 + (i * 37) % 120, y + 9, (60, 70, 80))
    c.rect(445, 160, 545, 290, (200, 60, 60))         # photo box: a silhouette
    c.ellipse(495, 205, 26, 32, (230, 230, 230))
    c.ellipse(495, 300, 45, 40, (230, 230, 230))
    c.rect(440, 290, 550, 345, (150, 200, 230))
    c.rect(450, 330, 540, 370, (120, 150, 180))       # signature area
    c.noise(5, 2)
    return c


def kk():
    c = Canvas(W, H, (110, 95, 75))
    c.rect(40, 40, 600, 450, (246, 244, 236))         # the sheet
    c.rect(220, 60, 420, 72, (50, 50, 50))            # title bar
    c.rect(260, 80, 380, 88, (90, 90, 90))
    for y in range(120, 400, 26):                     # the members' table
        c.rect(60, y, 580, y + 1, (120, 120, 120))
    for x in (60, 90, 230, 330, 390, 470, 580):
        c.rect(x, 120, x + 1, 380, (120, 120, 120))
    for r in range(1, 10):
        y = 128 + r * 26
        if y > 370:
            break
        c.rect(96, y, 96 + 60 + (r * 23) % 70, y + 7, (70, 70, 70))
        c.rect(236, y, 300, y + 7, (100, 100, 100))
    c.rect(440, 400, 560, 440, (160, 160, 200))       # stamp and signature
    c.ellipse(470, 415, 22, 18, (120, 120, 190))
    c.noise(5, 3)
    return c


# ---- Exif (TIFF, big-endian) ----

def rational_dms(value):
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    sec_x1000 = round(((value - deg) * 60 - minutes) * 60 * 1000)
    return [(deg, 1), (minutes, 1), (sec_x1000, 1000)]


def ifd(entries, start):
    """entries: (tag, type, count, payload bytes); returns the IFD bytes
    placed at offset start, with payloads over 4 bytes after it."""
    n = len(entries)
    data_at = start + 2 + n * 12 + 4
    head, tail = struct.pack(">H", n), b""
    for tag, typ, count, payload in sorted(entries):
        if len(payload) <= 4:
            head += struct.pack(">HHI", tag, typ, count) + payload.ljust(4, b"\0")
        else:
            head += struct.pack(">HHII", tag, typ, count, data_at + len(tail))
            tail += payload + (b"\0" if len(payload) % 2 else b"")
    return head + struct.pack(">I", 0) + tail


def ascii(s):
    return s + b"\0"


def exif(lat, lon):
    taken = ascii(DEMO_TAKEN)
    gps = [
        (0, 1, 4, bytes([2, 3, 0, 0])),
        (1, 2, 2, ascii(b"S" if lat < 0 else b"N")),
        (2, 5, 3, b"".join(struct.pack(">II", a, b) for a, b in rational_dms(lat))),
        (3, 2, 2, ascii(b"E" if lon >= 0 else b"W")),
        (4, 5, 3, b"".join(struct.pack(">II", a, b) for a, b in rational_dms(lon))),
    ]
    exif_ifd = [(0x9003, 2, len(taken), taken), (0x9004, 2, len(taken), taken)]
    make, model = ascii(b"sigacor demo"), ascii(b"drawn by make-demo-photos.py")
    ifd0 = [(0x010F, 2, len(make), make), (0x0110, 2, len(model), model),
            (0x0112, 3, 1, struct.pack(">H", 1)), (0x0132, 2, len(taken), taken),
            (0x8769, 4, 1, b"\0\0\0\0"), (0x8825, 4, 1, b"\0\0\0\0")]
    # lay out: header (8), IFD0, Exif IFD, GPS IFD; pointers fixed up after
    size0 = len(ifd(ifd0, 8))
    exif_at = 8 + size0
    exif_bytes = ifd(exif_ifd, exif_at)
    gps_at = exif_at + len(exif_bytes)
    ifd0 = [e for e in ifd0 if e[0] not in (0x8769, 0x8825)] + [
        (0x8769, 4, 1, struct.pack(">I", exif_at)), (0x8825, 4, 1, struct.pack(">I", gps_at))]
    tiff = b"MM\0\x2a" + struct.pack(">I", 8) + ifd(ifd0, 8) + exif_bytes + ifd(gps, gps_at)
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_exif(canvas, lat, lon):
    jpg = subprocess.run(["cjpeg", "-quality", "82", "-optimize"], input=canvas.ppm(),
                         stdout=subprocess.PIPE, check=True).stdout
    assert jpg[:4] == b"\xff\xd8\xff\xe0"            # SOI, then JFIF APP0
    app0_len = struct.unpack(">H", jpg[4:6])[0]
    return b"\xff\xd8" + exif(lat, lon) + jpg[4 + app0_len:]


DRAW = {"house": house, "ktp": ktp, "kk": kk}

for name, kind, lat, lon in PHOTOS:
    with open(name, "wb") as f:
        f.write(jpeg_with_exif(DRAW[kind](), lat, lon))
    print(name)
