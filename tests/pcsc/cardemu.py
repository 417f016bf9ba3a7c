#!/usr/bin/python3
"""Emulated ID card reader for the Baoming tests (stdlib only).

Presents itself to a private pcscd through the vpcd driver (vpcd wire
protocol: 2-byte big-endian length + payload; 1-byte payloads are control
codes), or on a pseudo-terminal as a serial GA 467 reader.

Schemes (docs/card-reader.md):
  tunnel  every SCardTransmit command is a SAM request frame
          (AA AA AA 96 69 LEN CMD PARA DATA XOR), the answer a SAM response frame
  page    the reader did the SAM work; pages read with FF B0 P1 00 00
  nosam   a plain contactless reader: only 00 36 00 00 08 (chip serial)

A control socket (unix, line based) drives it while the tests run:
  insert CARD [SLOT] | remove | inject KIND | scheme NAME | log | quit
KIND: checksum, truncated, sw3=XX, slow=SECONDS, remove, noise (serial), none
Each injection applies to the next card read only, then clears itself.
"""

import argparse
import hashlib
import os
import select
import socket
import struct
import sys
import time
import tty

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"

# ATRs (idcard.md §5.3/§5.4). The page-scheme ATR carries 90 00 at bytes 13-14,
# which is how the one public page-scheme client recognises its reader.
ATR_NOSAM = bytes.fromhex("3B888001D10386050080800058")
ATR_TUNNEL = None  # computed below: a neutral ATR, so the client must probe
ATR_PAGE = None


def with_tck(atr_wo_tck):
    x = 0
    for b in atr_wo_tck[1:]:
        x ^= b
    return atr_wo_tck + bytes([x])


ATR_TUNNEL = with_tck(b"\x3B\x8A\x80\x01" + b"SAM-TUNNEL")
ATR_PAGE = with_tck(b"\x3B\x8F\x80\x01" + b"BM-ID-PAG" + b"\x90\x00" + b"PAGE")
assert ATR_PAGE[13:15] == b"\x90\x00"

SAM_ID = struct.pack("<HHIII", 5, 1, 20231234, 1234567890, 987654321)
CHIP_SERIAL = bytes.fromhex("1122334455667788")


def check_char(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(first17, w))
    return "10X98765432"[s % 11]


def idn(first17):
    return first17 + check_char(first17)


def u(s, nbytes):
    b = s.encode("utf-16-le")
    if len(b) > nbytes:
        raise ValueError("field too long: %r" % s)
    return b + " ".encode("utf-16-le") * ((nbytes - len(b)) // 2)


def photo_for(key):
    """A deterministic 1024-byte stand-in for the WLT photo."""
    head = b"WLf\x00~\x002\x00\x00\xff"
    body = b""
    i = 0
    while len(head) + len(body) < 1024:
        body += hashlib.sha256(("%s/%d" % (key, i)).encode()).digest()
        i += 1
    return (head + body)[:1024]


def resident_text(c, flag=" "):
    t = (u(c["name"], 30) + u(c["sex"], 2) + u(c.get("nation", ""), 4)
         + u(c["birth"], 16) + u(c["address"], 70) + u(c["id"], 36)
         + u(c["authority"], 30) + u(c["from"], 16) + u(c["to"], 16))
    if flag == "J":
        t += u(c["pass"], 18) + u(c["issues"], 4) + u("", 6) + u("J", 2) + u("", 6)
    else:
        t += u("", 36)
    return t


def foreign2017_text(c):
    return (u(c["name_en"], 120) + u(c["sex"], 2) + u(c["id"], 30)
            + u(c["nationality"], 6) + u(c["name"], 30) + u(c["from"], 16)
            + u(c["to"], 16) + u(c["birth"], 16) + u(c["version"], 4)
            + u(c["authority"], 8) + u("I", 2) + u("", 6))


def foreign2023_text(c):
    en = c["name_en"].ljust(46)
    return (u(c["name"], 30) + u(c["sex"], 2) + u(c["issues"], 4)
            + u(c["birth"], 16) + u(en[:35], 70) + u(c["id"], 36) + u("", 30)
            + u(c["from"], 16) + u(c["to"], 16) + u(en[35:], 22)
            + u(c["nationality"], 6) + u("Y", 2) + u("", 6))


# All people here are made up.
CARDS = {
    "resident": dict(kind=" ", name="李晓明", sex="1", nation="01", birth="20070315",
                     address="湖南省长沙市岳麓区麓山南路 12 号 3 栋",
                     id=idn("43010420070315001"), authority="长沙市公安局岳麓分局",
                     **{"from": "20210510", "to": "20310510"}),
    "resident-longterm": dict(kind=" ", name="欧阳秀英", sex="2", nation="03", birth="19700802",
                              address="北京市海淀区中关村大街 27 号",
                              id=idn("11010819700802002"), authority="北京市公安局海淀分局",
                              **{"from": "20160901", "to": "长期"}),
    "resident-appended": dict(kind=" ", name="王建国", sex="1", nation="08", birth="20060101",
                              address="广西壮族自治区南宁市青秀区民族大道 100 号",
                              id=idn("45010320060101003"), authority="南宁市公安局青秀分局",
                              appended="广西壮族自治区南宁市西乡塘区大学东路 100 号 5 栋",
                              **{"from": "20220301", "to": "20320301"}),
    "resident-rare": dict(kind=" ", name="王䶮", sex="2", nation="02", birth="20070909",
                          address="内蒙古自治区呼和浩特市新城区 5 号",
                          id=idn("15010220070909004"), authority="呼和浩特市公安局新城分局",
                          **{"from": "20230101", "to": "20330101"}),
    "permit": dict(kind="J", name="陈家乐", sex="1", birth="20061120",
                   address="广东省深圳市福田区福华路 88 号",
                   id=idn("81000020061120001"), authority="深圳市公安局福田分局",
                   **{"pass": "H12345678", "issues": "01", "from": "20230615", "to": "20280615"}),
    "foreign2017": dict(kind="I", name_en="SMITH JOHN MICHAEL", name="史密斯", sex="1",
                        id="USA370012070105", nationality="USA", birth="20070105",
                        version="01", authority="3700",
                        **{"from": "20170601", "to": "20270601"}),
    "foreign2023": dict(kind="Y", name="玛丽亚", name_en="GARCIA LOPEZ MARIA FERNANDA ISABELLA",
                        sex="2", issues="01", birth="20060412",
                        id=idn("94472420060412002"), nationality="724",
                        **{"from": "20240115", "to": "20340115"}),
    "expired": dict(kind=" ", name="赵过期", sex="1", nation="01", birth="20050505",
                    address="湖南省株洲市天元区 1 号", id=idn("43021120050505005"),
                    authority="株洲市公安局天元分局", **{"from": "20100101", "to": "20200101"}),
    "badcheck": dict(kind=" ", name="钱校验", sex="2", nation="01", birth="20070707",
                     address="湖南省湘潭市岳塘区 2 号", id="43030420070707006" + "0",
                     authority="湘潭市公安局岳塘分局", **{"from": "20200101", "to": "20300101"}),
}
# Make sure badcheck really has a wrong check character.
if check_char(CARDS["badcheck"]["id"][:17]) == "0":
    CARDS["badcheck"]["id"] = CARDS["badcheck"]["id"][:17] + "1"


def text_for(name):
    c = CARDS[name]
    if c["kind"] == " ":
        return resident_text(c)
    if c["kind"] == "J":
        return resident_text(c, "J")
    if c["kind"] == "I":
        return foreign2017_text(c)
    return foreign2023_text(c)


def frame(body):
    ln = struct.pack(">H", len(body) + 1)
    x = 0
    for b in ln + body:
        x ^= b
    return PREAMBLE + ln + body + bytes([x])


def response(sw3, data=b""):
    return frame(b"\x00\x00" + bytes([sw3]) + data)


class Card:
    """The reader+SAM+card logic shared by every transport."""

    def __init__(self, scheme):
        self.scheme = scheme
        self.card = None
        self.injections = []
        self.log = []

    def take_injection(self, applies):
        for i, k in enumerate(self.injections):
            if applies(k):
                return self.injections.pop(i)
        return None

    def sw3_injection(self, cmd):
        def applies(k):
            if not k.startswith("sw3="):
                return False
            sw3 = int(k[4:], 16)
            if sw3 in (0x60, 0x66):
                return cmd == 0x11FF
            if sw3 == 0x80:
                return cmd == 0x2001
            if sw3 == 0x81:
                return cmd == 0x2002
            return cmd == 0x3001
        k = self.take_injection(applies)
        return None if k is None else int(k[4:], 16)

    def atr(self):
        return {"tunnel": ATR_TUNNEL, "page": ATR_PAGE, "nosam": ATR_NOSAM}[self.scheme]

    def read_payload(self):
        t = text_for(self.card)
        p = photo_for(self.card)
        return struct.pack(">HH", len(t), len(p)) + t + p

    def sam_request(self, msg, present):
        """Answer one SAM request frame. Returns (bytes or None, delay, action)."""
        if len(msg) < 10 or msg[:5] != PREAMBLE:
            return response(0x21), 0, None
        ln = struct.unpack(">H", msg[5:7])[0]
        x = 0
        for b in msg[5:-1]:
            x ^= b
        if ln + 7 != len(msg):
            return response(0x11), 0, None
        if x != msg[-1]:
            return response(0x10), 0, None
        cmd = struct.unpack(">H", msg[7:9])[0]
        self.log.append("%04X" % cmd)
        sw3 = self.sw3_injection(cmd)
        if sw3 is not None:
            return response(sw3), 0, None
        if cmd in (0x10FF, 0x11FF):
            return response(0x90), 0, None
        if cmd == 0x12FF:
            return response(0x90, SAM_ID), 0, None
        if cmd == 0x61FF:
            return response(0x90), 0, None
        if cmd == 0x2001:
            return (response(0x9F, b"\x00" * 4) if present() else response(0x80)), 0, None
        if cmd == 0x2002:
            return (response(0x90, b"\x00" * 8) if present() else response(0x81)), 0, None
        if cmd == 0x3003:
            c = CARDS.get(self.card, {})
            if "appended" not in c:
                return response(0x91), 0, None
            return response(0x90, u(c["appended"], 70)), 0, None
        if cmd in (0x3001, 0x3010):
            if not present():
                return response(0x41), 0, None
            data = self.read_payload()
            if cmd == 0x3010:
                # Fingerprints are never requested by Baoming; answer fpLen 0.
                data = data[:4] + b"\x00\x00" + data[4:]
            rsp = response(0x90, data)
            return self.corrupt(rsp)
        return response(0x21), 0, None

    def corrupt(self, rsp):
        k = self.take_injection(lambda k: k in ("checksum", "truncated", "remove")
                                or k.startswith("slow="))
        if k is None:
            return rsp, 0, None
        if k == "checksum":
            return rsp[:-1] + bytes([rsp[-1] ^ 0x5A]), 0, None
        if k == "truncated":
            return rsp[:len(rsp) // 2], 0, None
        if k == "remove":
            return None, 0, "remove"
        return rsp, float(k[5:]), None

    def apdu(self, msg):
        """One SCardTransmit in PC/SC mode (the card is present)."""
        if self.scheme == "tunnel":
            return self.sam_request(msg, lambda: True)
        if self.scheme == "page":
            if len(msg) >= 4 and msg[0] == 0xFF and msg[1] == 0xB0:
                p1 = msg[2]
                self.log.append("FFB0%02X" % p1)
                if p1 == 0:
                    sw3 = self.sw3_injection(0x3001)
                    if sw3 is not None:
                        return b"\x6F\x00", 0, None
                    r, delay, act = self.corrupt(b"x")
                    if act == "remove":
                        return None, 0, "remove"
                    if r != b"x":  # checksum/truncated: a page cut short
                        return (struct.pack(">HH", 256, 1024) + text_for(self.card))[:100] + b"\x90\x00", 0, None
                    return (struct.pack(">HH", 256, 1024) + text_for(self.card)
                            + b"\x90\x00"), delay, None
                p = photo_for(self.card)
                if p1 == 1:
                    return struct.pack(">HH", 256, 1024) + p[:252] + b"\x90\x00", 0, None
                if 2 <= p1 <= 4:
                    o = 252 + (p1 - 2) * 256
                    return p[o:o + 256] + b"\x90\x00", 0, None
                if p1 == 5:
                    return p[1020:] + b"\x90\x00", 0, None
                return b"\x6B\x00", 0, None
            return b"\x6D\x00", 0, None
        # nosam
        if bytes(msg[:5]) == b"\x00\x36\x00\x00\x08":
            self.log.append("0036")
            return CHIP_SERIAL + b"\x90\x00", 0, None
        return b"\x6D\x00", 0, None


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise ConnectionError("closed")
        b += c
    return b


class Emulator:
    def __init__(self, args):
        self.args = args
        self.card = Card(args.scheme)
        self.vpcd = None
        self.ctl = None
        self.clients = []
        self.pending = []   # (due, fd, bytes)
        self.serial_master = None
        self.serial_buf = b""
        self.reinsert_at = None
        self.serial_placed = False   # card on the serial reader, not yet read
        self.slot = 0                # vpcd slot: reader "... 00 00" or "... 00 01"

    # -- vpcd --------------------------------------------------------------
    def connect_vpcd(self):
        deadline = time.monotonic() + 10
        while True:
            try:
                s = socket.create_connection(("127.0.0.1", self.args.port + self.slot))
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.vpcd = s
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def insert(self, name, slot=0):
        if name not in CARDS:
            return "unknown card"
        if self.vpcd is not None and slot != self.slot:
            return "error remove the card from slot %d first" % self.slot
        self.slot = slot
        self.card.card = name
        if self.args.serial:
            self.serial_placed = True
            return "ok"
        if self.vpcd is None:
            try:
                self.connect_vpcd()
            except OSError as e:
                return "error vpcd not reachable: %s" % e
        return "ok"

    def remove(self):
        self.serial_placed = False
        self.pending = [p for p in self.pending if p[1] != "vpcd"]
        if self.vpcd is not None:
            self.vpcd.close()
            self.vpcd = None
        return "ok"

    def on_vpcd(self):
        try:
            (n,) = struct.unpack("!H", recv_exact(self.vpcd, 2))
            msg = recv_exact(self.vpcd, n)
        except (ConnectionError, OSError):
            self.vpcd.close()
            self.vpcd = None
            return
        if n == 1:
            if msg[0] == 4:
                atr = self.card.atr()
                try:
                    self.vpcd.sendall(struct.pack("!H", len(atr)) + atr)
                except OSError:
                    self.remove()
            return
        rsp, delay, action = self.card.apdu(msg)
        if action == "remove":
            self.remove()
            if self.args.reinsert_after >= 0:
                self.reinsert_at = time.monotonic() + self.args.reinsert_after
            return
        self.pending.append((time.monotonic() + delay, "vpcd", struct.pack("!H", len(rsp)) + rsp))

    # -- serial ------------------------------------------------------------
    def open_serial(self):
        master, slave = os.openpty()
        tty.setraw(slave)   # no echo before the client sets its own modes
        self.serial_master = master
        self.serial_slave = slave   # held open so the line never hangs up
        path = os.ttyname(slave)
        tmp = self.args.serial + ".tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(path, tmp)
        os.replace(tmp, self.args.serial)

    def on_serial(self):
        try:
            data = os.read(self.serial_master, 4096)
        except OSError:
            return
        self.serial_buf += data
        while len(self.serial_buf) >= 7:
            if self.serial_buf[:5] != PREAMBLE:
                # resynchronise on the next preamble, as a reader MCU would
                i = self.serial_buf.find(PREAMBLE, 1)
                self.serial_buf = b"" if i < 0 else self.serial_buf[i:]
                continue
            ln = struct.unpack(">H", self.serial_buf[5:7])[0]
            if len(self.serial_buf) < 7 + ln:
                break
            msg, self.serial_buf = self.serial_buf[:7 + ln], self.serial_buf[7 + ln:]
            rsp, delay, action = self.card.sam_request(msg, lambda: self.serial_placed)
            if action == "remove":
                self.serial_placed = False
                rsp = response(0x41)
            if rsp is not None and rsp[:5] == PREAMBLE and msg[7:9] in (b"\x30\x01", b"\x30\x10") \
                    and len(rsp) > 100 and action is None and rsp[9] == 0x90:
                self.serial_placed = False   # the SAM reads a card once per placement
            if rsp is not None and self.card.take_injection(lambda k: k == "noise"):
                rsp = b"\x13\x37\xaa\xaa\x00" + rsp   # line noise before the frame
            # large answers arrive in pieces, as from a real USB-serial bridge
            t = time.monotonic() + delay
            for i in range(0, len(rsp), 200):
                self.pending.append((t, "serial", rsp[i:i + 200]))
                t += 0.002

    # -- control -----------------------------------------------------------
    def on_control_line(self, line):
        w = line.split()
        if not w:
            return "error empty"
        if w[0] == "insert" and len(w) in (2, 3):
            return self.insert(w[1], int(w[2]) if len(w) == 3 else 0)
        if w[0] == "remove":
            return self.remove()
        if w[0] == "inject" and len(w) == 2:
            if w[1] == "none":
                self.card.injections.clear()
            else:
                self.card.injections.append(w[1])
            return "ok"
        if w[0] == "scheme" and len(w) == 2 and w[1] in ("tunnel", "page", "nosam"):
            self.card.scheme = w[1]
            return "ok"
        if w[0] == "log":
            return "ok " + " ".join(self.card.log)
        if w[0] == "quit":
            sys.exit(0)
        return "error unknown command"

    def run(self):
        self.setup()
        while True:
            try:
                self.loop()
            except SystemExit:
                raise
            except Exception:   # a test harness must not die on one bad event
                import traceback
                traceback.print_exc()
                sys.stderr.flush()

    def setup(self):
        a = self.args
        if a.control:
            if os.path.exists(a.control):
                os.unlink(a.control)
            self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.ctl.bind(a.control + ".tmp")
            self.ctl.listen(8)
            os.replace(a.control + ".tmp", a.control)   # appears only when ready
        if a.serial:
            self.open_serial()
        if a.card:
            self.insert(a.card)

    def loop(self):
        while True:
            rl = [c for c in self.clients]
            if self.ctl:
                rl.append(self.ctl)
            if self.vpcd is not None:
                rl.append(self.vpcd)
            if self.serial_master is not None:
                rl.append(self.serial_master)
            now = time.monotonic()
            due = [p[0] for p in self.pending]
            if self.reinsert_at is not None:
                due.append(self.reinsert_at)
            timeout = max(0.0, min(due) - now) if due else None
            r, _, _ = select.select(rl, [], [], timeout)
            for x in r:
                if x is self.ctl:
                    c, _ = self.ctl.accept()
                    self.clients.append(c)
                elif x is self.vpcd:
                    if self.vpcd is not None:
                        self.on_vpcd()
                elif x is self.serial_master:
                    self.on_serial()
                else:
                    try:
                        data = x.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        self.clients.remove(x)
                        x.close()
                        continue
                    for line in data.decode().splitlines():
                        try:
                            x.sendall((self.on_control_line(line) + "\n").encode())
                        except OSError:
                            pass
            now = time.monotonic()
            if self.reinsert_at is not None and now >= self.reinsert_at:
                self.reinsert_at = None
                self.insert(self.card.card, self.slot)
            keep = []
            for p in self.pending:
                if p[0] <= now:
                    try:
                        if p[1] == "vpcd" and self.vpcd is not None:
                            self.vpcd.sendall(p[2])
                        elif p[1] == "serial":
                            os.write(self.serial_master, p[2])
                    except OSError:
                        pass
                else:
                    keep.append(p)
            self.pending = keep


def control(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall((line + "\n").encode())
    r = b""
    while not r.endswith(b"\n"):
        c = s.recv(4096)
        if not c:
            break
        r += c
    s.close()
    return r.decode().strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=35963)
    ap.add_argument("--scheme", default="tunnel", choices=("tunnel", "page", "nosam"))
    ap.add_argument("--card", help="card placed at start: " + ", ".join(CARDS))
    ap.add_argument("--control", help="unix socket for test control")
    ap.add_argument("--serial", help="act as a serial reader; symlink to the pty here")
    ap.add_argument("--reinsert-after", type=float, default=-1,
                    help="after an injected removal, place the card again after S seconds")
    ap.add_argument("--ctl", nargs="+", metavar="WORD",
                    help="send one control command to --control and exit")
    a = ap.parse_args()
    if a.ctl:
        r = control(a.control, " ".join(a.ctl))
        print(r)
        sys.exit(0 if r.startswith("ok") else 1)
    Emulator(a).run()


if __name__ == "__main__":
    main()
