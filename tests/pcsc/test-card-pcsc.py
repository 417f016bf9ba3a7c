#!/usr/bin/python3
"""Integration tests of `baoming-cli card` against a real pcscd (TAP output).

Run under pcsc-harness.sh, which starts pcscd + vpcd + cardemu.py:
    pcsc-harness.sh test-card-pcsc.py BAOMING_CLI [GROUP]
GROUP: cards (default), errors, hotplug, serial (the serial group needs the
harness's --serial option).
"""

import hashlib
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cardemu  # noqa: E402

CLI = sys.argv[1]
GROUP = sys.argv[2] if len(sys.argv) > 2 else "cards"
CTL = os.environ["BM_TEST_CARDEMU_CTL"]
PCSC_CTL = os.environ.get("BM_TEST_PCSC_CTL")
READER = "Test PCD 00 00"
READER2 = "Test PCD 00 01"
SAM_ID = "05.01-20231234-1234567890-0987654321"
ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
ENV.pop("LANGUAGE", None)

# What each emulated card must decode to, written out by hand (not derived
# from the emulator's encoder).
EXPECTED = {
    "resident": {
        "card_type": "resident", "name": "李晓明", "sex": "1", "sex_name": "男",
        "nation": "01", "nation_name": "汉族", "birth_date": "2007-03-15",
        "address": "湖南省长沙市岳麓区麓山南路 12 号 3 栋",
        "id_number": "430104200703150011", "id_number_valid": True,
        "authority": "长沙市公安局岳麓分局", "valid_from": "2021-05-10", "valid_to": "2031-05-10",
    },
    "resident-longterm": {
        "card_type": "resident", "name": "欧阳秀英", "sex": "2", "sex_name": "女",
        "nation": "03", "nation_name": "回族", "birth_date": "1970-08-02",
        "address": "北京市海淀区中关村大街 27 号",
        "id_number": "110108197008020027", "id_number_valid": True,
        "authority": "北京市公安局海淀分局", "valid_from": "2016-09-01", "valid_to": "long-term",
    },
    "resident-appended": {
        "card_type": "resident", "name": "王建国", "sex": "1", "sex_name": "男",
        "nation": "08", "nation_name": "壮族", "birth_date": "2006-01-01",
        "address": "广西壮族自治区南宁市青秀区民族大道 100 号",
        "appended_address": "广西壮族自治区南宁市西乡塘区大学东路 100 号 5 栋",
        "id_number": "450103200601010031", "id_number_valid": True,
        "authority": "南宁市公安局青秀分局", "valid_from": "2022-03-01", "valid_to": "2032-03-01",
    },
    "resident-rare": {
        "card_type": "resident", "name": "王\u4dae", "sex": "2", "sex_name": "女",
        "nation": "02", "nation_name": "蒙古族", "birth_date": "2007-09-09",
        "address": "内蒙古自治区呼和浩特市新城区 5 号",
        "id_number": "150102200709090048", "id_number_valid": True,
        "authority": "呼和浩特市公安局新城分局", "valid_from": "2023-01-01", "valid_to": "2033-01-01",
    },
    "permit": {
        "card_type": "hmt_permit", "name": "陈家乐", "sex": "1", "sex_name": "男",
        "birth_date": "2006-11-20", "address": "广东省深圳市福田区福华路 88 号",
        "id_number": "810000200611200018", "id_number_valid": True,
        "authority": "深圳市公安局福田分局", "valid_from": "2023-06-15", "valid_to": "2028-06-15",
        "pass_number": "H12345678", "issue_count": "01",
    },
    "foreign2017": {
        "card_type": "foreign_pr_2017", "name": "史密斯", "name_en": "SMITH JOHN MICHAEL",
        "sex": "1", "sex_name": "男", "birth_date": "2007-01-05",
        "id_number": "USA370012070105", "id_number_valid": True, "nationality": "USA",
        "authority": "3700", "valid_from": "2017-06-01", "valid_to": "2027-06-01",
    },
    "foreign2023": {
        "card_type": "foreign_pr_2023", "name": "玛丽亚",
        "name_en": "GARCIA LOPEZ MARIA FERNANDA ISABELLA", "sex": "2", "sex_name": "女",
        "birth_date": "2006-04-12", "id_number": "94472420060412002X", "id_number_valid": True,
        "nationality": "724", "issue_count": "01",
        "valid_from": "2024-01-15", "valid_to": "2034-01-15",
    },
    "expired": {
        "card_type": "resident", "name": "赵过期", "sex": "1", "sex_name": "男",
        "nation": "01", "nation_name": "汉族", "birth_date": "2005-05-05",
        "address": "湖南省株洲市天元区 1 号", "id_number": "430211200505050051",
        "id_number_valid": True, "authority": "株洲市公安局天元分局",
        "valid_from": "2010-01-01", "valid_to": "2020-01-01",
    },
    "badcheck": {
        "card_type": "resident", "name": "钱校验", "sex": "2", "sex_name": "女",
        "nation": "01", "nation_name": "汉族", "birth_date": "2007-07-07",
        "address": "湖南省湘潭市岳塘区 2 号", "id_number": "430304200707070061",
        "id_number_valid": False, "authority": "湘潭市公安局岳塘分局",
        "valid_from": "2020-01-01", "valid_to": "2030-01-01",
    },
}

# SW3 -> a phrase its message must contain (idcard.md §2.3).
SW3_MESSAGES = {
    "10": "checksum error in the command", "11": "length error in the command",
    "21": "rejected the command", "23": "does not allow this operation",
    "24": "unrecognised error", "31": "card failed to authenticate",
    "32": "failed to authenticate the card", "33": "failed verification",
    "37": "fingerprint", "3F": "wrong length", "40": "card type is not recognised",
    "41": "Reading the card failed", "47": "random number", "60": "self-test",
    "66": "not authorised", "80": "No card found", "81": "Selecting the card failed",
}

n = 0
failed = 0


def ok(cond, name, detail=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, name))
    else:
        failed += 1
        print("not ok %d - %s" % (n, name))
        for line in str(detail).splitlines():
            print("#   " + line)
        # also on stderr, which a CI console shows without the test log
        sys.stderr.write("not ok %d - %s\n%s\n" % (n, name, detail))
    sys.stdout.flush()
    return cond


def emu(*words):
    r = cardemu.control(CTL, " ".join(words))
    if not r.startswith("ok"):
        raise RuntimeError("emulator: %s -> %s" % (words, r))
    return r


def cli(*args, timeout=30):
    t0 = time.monotonic()
    p = subprocess.run([CLI] + list(args), capture_output=True, env=ENV, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), time.monotonic() - t0


def expected_json(card, with_sam=True, reader=READER):
    e = dict(EXPECTED[card])
    e["photo_wlt_sha256"] = hashlib.sha256(cardemu.photo_for(card)).hexdigest()
    e["reader"] = reader
    if with_sam:
        e["sam_id"] = SAM_ID
    else:
        e.pop("appended_address", None)   # the page scheme has no 30 03
    return e


def card_present(reader=READER):
    rc, out, err, _ = cli("card", "readers", "--json")
    for r in json.loads(out) if rc == 0 else []:
        if r["name"] == reader:
            return r["card_present"]
    return None


def wait_present(want, timeout=5.0, reader=READER):
    """pcscd polls vpcd (~400 ms): wait until it has seen the change, as a
    clerk's hand is never faster than that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if card_present(reader) == want:
            return True
        time.sleep(0.05)
    raise RuntimeError("pcscd did not see the card %s" % ("arrive" if want else "leave"))


def remove():
    emu("remove")
    wait_present(False)


def place(card):
    remove()
    emu("insert", card)
    wait_present(True)


def read_and_compare(card, name, *extra, with_sam=True, reader=READER):
    rc, out, err, _ = cli("card", "read", "--json", "--timeout", "10", *extra)
    if not ok(rc == 0, name + ": exit 0", "rc=%d stderr=%s" % (rc, err)):
        return None
    got = json.loads(out)
    want = expected_json(card, with_sam, reader)
    diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    ok(not diff, name + ": every field", json.dumps(diff, ensure_ascii=False, indent=1))
    return got


def expect_failure(name, code, phrase, *args, timeout=30):
    rc, out, err, took = cli("card", "read", "--json", *args, timeout=timeout)
    ok(rc == code and phrase in err and out == "",
       "%s: exit %d, message, nothing half-read on stdout" % (name, code),
       "rc=%d stdout=%r stderr=%r" % (rc, out[:200], err))
    return took


class Watch:
    """`card watch` running in the background, its JSON lines collected."""

    def __init__(self, *args):
        self.p = subprocess.Popen([CLI, "card", "watch"] + list(args), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=ENV)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = b""
        self.events = []

    def poll(self):
        try:
            d = self.p.stdout.read()
        except BlockingIOError:
            d = None
        if d:
            self.buf += d
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.events.append(json.loads(line))

    def wait_for(self, pred, timeout=20.0, start=None):
        deadline = time.monotonic() + timeout
        i = start if start is not None else 0
        while time.monotonic() < deadline:
            self.poll()
            for j in range(i, len(self.events)):
                if pred(self.events[j]):
                    return j
            time.sleep(0.02)
        return None

    def mark(self):
        self.poll()
        return len(self.events)

    def stop(self):
        self.p.terminate()
        try:
            rc = self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.poll()
        return rc


def is_state(s):
    return lambda e: e.get("event") == "state" and e.get("state") == s


def is_card(name=None):
    return lambda e: e.get("event") == "card" and (name is None or e["card"].get("name") == name)


def is_error(kind):
    return lambda e: e.get("event") == "error" and e.get("error") == kind


# ---------------------------------------------------------------------------

def group_cards():
    emu("scheme", "tunnel")
    for card in EXPECTED:
        place(card)
        read_and_compare(card, "tunnel " + card)
    emu("scheme", "page")
    for card in EXPECTED:
        place(card)
        read_and_compare(card, "page " + card, with_sam=False)
    # A forced scheme overrides the ATR.
    place("resident")
    read_and_compare("resident", "page forced", "--scheme", "page", with_sam=False)
    emu("scheme", "tunnel")
    place("resident-rare")
    read_and_compare("resident-rare", "tunnel forced", "--scheme", "tunnel")
    read_and_compare("resident-rare", "named reader", "--reader", READER)
    expect_failure("unknown reader", 8, "No card reader", "--reader", "No Such Reader", "--timeout", "5")
    # Every reader is watched unless one is named: a card in the second slot.
    remove()
    emu("insert", "permit", "1")
    wait_present(True, reader=READER2)
    read_and_compare("permit", "card in the second reader", reader=READER2)
    expect_failure("named reader stays empty", 9, "No card was placed", "--reader", READER, "--timeout", "2")
    emu("remove")
    wait_present(False, reader=READER2)
    place("resident-rare")
    # The raw chip photo, and the optional vendor decoder.
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        wlt = os.path.join(d, "photo.wlt")
        ppm = os.path.join(d, "photo.ppm")
        rc, out, err, _ = cli("card", "read", "--json", "--timeout", "10", "--photo", wlt)
        data = open(wlt, "rb").read() if os.path.exists(wlt) else b""
        ok(rc == 0 and data == cardemu.photo_for("resident-rare")
           and os.stat(wlt).st_mode & 0o777 == 0o600, "--photo writes the raw WLT, mode 0600", err)
        ENV["BAOMING_WLT_DECODER"] = "/nonexistent/libWltRS.so"
        rc, out, err, _ = cli("card", "read", "--json", "--timeout", "10", "--decode-photo", ppm)
        ok(rc == 8 and "No photo decoder is installed" in err and json.loads(out)["name"] == "王\u4dae",
           "--decode-photo without a decoder: identity printed, exit 8", "rc=%d %s" % (rc, err))
        ENV["BAOMING_WLT_DECODER"] = os.environ.get("BM_FAKE_WLTRS", "")
        rc, out, err, _ = cli("card", "read", "--json", "--timeout", "10", "--decode-photo", ppm)
        head = open(ppm, "rb").read(15) if os.path.exists(ppm) else b""
        ok(rc == 0 and head == b"P6\n102 126\n255\n" and os.path.getsize(ppm) == 15 + 102 * 126 * 3,
           "--decode-photo with a decoder writes a 102x126 PPM", "rc=%d %s %r" % (rc, err, head))
        del ENV["BAOMING_WLT_DECODER"]
    rc, out, err, _ = cli("card", "read", "--timeout", "10")
    ok(rc == 0 and "name: 王\u4dae" in out and "valid_to: 2033-01-01" in out, "plain text output", out + err)
    emu("scheme", "nosam")
    place("resident")
    expect_failure("no-SAM reader", 8, "no security module", "--timeout", "5")
    rc, out, err, _ = cli("card", "readers", "--json")
    names = [r["name"] for r in json.loads(out)] if rc == 0 else []
    ok(rc == 0 and READER in names, "card readers --json lists the reader", out + err)
    emu("scheme", "tunnel")
    remove()
    took = expect_failure("no card within the timeout", 9, "No card was placed", "--timeout", "1")
    ok(took < 6, "timeout honoured (%.2f s)" % took)


def group_errors():
    emu("scheme", "tunnel")
    place("resident")
    emu("inject", "checksum")
    expect_failure("bad checksum", 1, "checksum", "--timeout", "10")
    place("resident")
    emu("inject", "truncated")
    expect_failure("truncated frame", 1, "cut short", "--timeout", "10")
    for sw3, phrase in SW3_MESSAGES.items():
        place("resident")
        emu("inject", "sw3=" + sw3)
        expect_failure("SW3 %s" % sw3, 1, phrase, "--timeout", "10")
    # After every injected failure the next read works again.
    place("resident")
    read_and_compare("resident", "read after errors")

    place("resident")
    emu("inject", "slow=5")
    took = expect_failure("slow answer", 9, "did not answer in time", "--timeout", "1")
    ok(took < 4.5, "slow answer gives up before the answer comes (%.2f s)" % took)
    time.sleep(5)   # let the late answer drain through pcscd

    place("resident")
    emu("inject", "remove")
    expect_failure("card removed mid-read", 1, "taken away", "--timeout", "10")
    place("resident-appended")
    read_and_compare("resident-appended", "card re-inserted after removal")

    # Page scheme: the same failures through FF B0.
    emu("scheme", "page")
    place("resident")
    emu("inject", "truncated")
    expect_failure("page: short page", 1, "cut short", "--timeout", "10")
    place("resident")
    emu("inject", "sw3=41")
    expect_failure("page: reader reports a failure", 1, "Reading the card failed", "--timeout", "10")
    place("resident")
    emu("inject", "remove")
    expect_failure("page: card removed mid-read", 1, "taken away", "--timeout", "10")
    emu("scheme", "tunnel")

    # Watch: one read per placement, error then success on re-insertion.
    remove()
    w = Watch()
    try:
        ok(w.wait_for(is_state("waiting")) is not None, "watch: waiting for a card", w.events)
        emu("insert", "resident")
        i = w.wait_for(is_card("李晓明"))
        ok(i is not None, "watch: card read on placement", w.events)
        m = w.mark()
        time.sleep(1.5)
        w.poll()
        ok(not [e for e in w.events[m:] if e["event"] == "card"], "watch: not read again while it stays", w.events[m:])
        remove()
        ok(w.wait_for(is_state("waiting"), start=m) is not None, "watch: waiting after removal", w.events[m:])
        m = w.mark()
        emu("inject", "remove")
        emu("insert", "resident-longterm")
        ok(w.wait_for(is_error("removed"), start=m) is not None, "watch: removal mid-read reported", w.events[m:])
        ok(not [e for e in w.events[m:] if e["event"] == "card"], "watch: no half-read identity", w.events[m:])
        m = w.mark()
        wait_present(False)
        emu("insert", "resident-longterm")
        i = w.wait_for(is_card("欧阳秀英"), start=m)
        ok(i is not None and w.events[i]["card"]["valid_to"] == "long-term",
           "watch: re-inserted card read", w.events[m:])
        m = w.mark()
        remove()
        emu("inject", "checksum")
        emu("insert", "resident")
        ok(w.wait_for(is_error("frame"), start=m) is not None, "watch: garbled frame reported", w.events[m:])
        ok(w.wait_for(is_state("error"), start=m) is not None, "watch: state error", w.events[m:])
    finally:
        rc = w.stop()
    ok(rc == 0, "watch: exits 0 on SIGTERM", rc)

    # Watch with a silent reader: timeout error, the late answer is dropped.
    remove()
    w = Watch("--timeout", "1")
    try:
        ok(w.wait_for(is_state("waiting")) is not None, "watch --timeout: waiting", w.events)
        m = w.mark()
        emu("inject", "slow=3")
        emu("insert", "resident")
        ok(w.wait_for(is_error("timeout"), start=m) is not None, "watch: silent reader -> timeout error", w.events[m:])
        time.sleep(3)
        w.poll()
        ok(not [e for e in w.events[m:] if e["event"] == "card"], "watch: the late answer is dropped", w.events[m:])
        m = w.mark()
        remove()
        emu("insert", "resident-rare")
        ok(w.wait_for(is_card("王\u4dae"), start=m) is not None, "watch: next placement read", w.events[m:])
    finally:
        w.stop()


def group_hotplug():
    # Started by the harness with --no-pcscd: the service is not running yet.
    rc, out, err, _ = cli("card", "read", "--timeout", "5")
    ok(rc == 8 and "pcscd" in err, "no service: exit 8 and says how to start pcscd", "rc=%d %s" % (rc, err))
    rc, out, err, _ = cli("card", "readers")
    ok(rc == 8 and "pcscd" in err, "card readers without service: exit 8", "rc=%d %s" % (rc, err))
    # Regression: a report that arrived before the main loop ran used to be
    # handled on the worker thread and the CLI never exited.
    codes = []
    for _ in range(15):
        try:
            codes.append(cli("card", "read", "--timeout", "3", timeout=8)[0])
        except subprocess.TimeoutExpired:
            codes.append("hang")
    ok(codes == [8] * 15, "no service: 15 quick runs all exit 8", codes)
    w = Watch()
    try:
        ok(w.wait_for(is_state("no-service")) is not None, "watch: no-service at start", w.events)
        subprocess.run([PCSC_CTL, "pcscd-start"], check=True)
        ok(w.wait_for(is_state("waiting")) is not None, "watch: reader appears after start", w.events)
        m = w.mark()
        emu("insert", "permit")
        ok(w.wait_for(is_card("陈家乐"), start=m) is not None, "watch: card read after the service came up", w.events[m:])
        m = w.mark()
        subprocess.run([PCSC_CTL, "pcscd-stop"], check=True)
        ok(w.wait_for(is_state("no-service"), start=m) is not None, "watch: pcscd stopped -> no-service", w.events[m:])
        m = w.mark()
        subprocess.run([PCSC_CTL, "pcscd-start"], check=True)
        ok(w.wait_for(is_state("waiting"), start=m) is not None, "watch: pcscd restarted -> waiting", w.events[m:])
        emu("remove")
        emu("insert", "foreign2023")
        ok(w.wait_for(is_card("玛丽亚"), start=m) is not None, "watch: card read after restart", w.events[m:])
        m = w.mark()
        subprocess.run([PCSC_CTL, "reader-remove"], check=True)
        ok(w.wait_for(is_state("no-reader"), start=m, timeout=10) is not None, "watch: reader unplugged -> no-reader", w.events[m:])
        rc, out, err, _ = cli("card", "read", "--timeout", "5")
        ok(rc == 8 and "No card reader" in err, "no reader: exit 8", "rc=%d %s" % (rc, err))
        m = w.mark()
        subprocess.run([PCSC_CTL, "reader-add"], check=True)
        ok(w.wait_for(is_state("waiting"), start=m, timeout=10) is not None, "watch: reader plugged in -> waiting", w.events[m:])
        emu("remove")
        emu("insert", "resident-rare")
        ok(w.wait_for(is_card("王\u4dae"), start=m) is not None, "watch: card read on the new reader", w.events[m:])
    finally:
        w.stop()


def group_serial():
    dev = os.environ["BM_TEST_SERIAL"]
    emu("remove")
    emu("insert", "resident-appended")
    read_and_compare("resident-appended", "serial resident-appended", "--serial", dev, reader=dev)
    for card in ("resident-rare", "permit", "foreign2017", "foreign2023", "badcheck"):
        emu("insert", card)
        read_and_compare(card, "serial " + card, "--serial", dev, reader=dev)
    emu("insert", "resident")
    emu("inject", "checksum")
    rc, out, err, _ = cli("card", "read", "--json", "--serial", dev, "--timeout", "10")
    ok(rc == 1 and "checksum" in err and out == "", "serial: bad checksum", "rc=%d %s" % (rc, err))
    emu("insert", "resident")
    emu("inject", "truncated")
    rc, out, err, took = cli("card", "read", "--json", "--serial", dev, "--timeout", "10")
    ok(rc == 1 and "cut short" in err and out == "", "serial: truncated frame", "rc=%d %s" % (rc, err))
    emu("insert", "resident")
    emu("inject", "sw3=32")
    rc, out, err, _ = cli("card", "read", "--json", "--serial", dev, "--timeout", "10")
    ok(rc == 1 and "failed to authenticate the card" in err, "serial: SW3 32", "rc=%d %s" % (rc, err))
    emu("insert", "resident")
    emu("inject", "slow=6")
    rc, out, err, took = cli("card", "read", "--json", "--serial", dev, "--timeout", "10")
    ok(rc == 9 and "did not answer in time" in err and took < 9, "serial: slow answer times out (%.1f s)" % took,
       "rc=%d %s" % (rc, err))
    time.sleep(1.5)
    emu("insert", "resident")
    read_and_compare("resident", "serial: read after errors", "--serial", dev, reader=dev)
    emu("insert", "resident-longterm")
    emu("inject", "noise")
    read_and_compare("resident-longterm", "serial: line noise before a frame is skipped", "--serial", dev, reader=dev)
    # Read once per placement: the SAM answers 80 while the card stays.
    w = Watch("--serial", dev)
    try:
        emu("insert", "expired")
        # The first read waits for the watch to open the port and the SAM
        # to answer its status, which a loaded CI machine has taken > 20 s.
        i = w.wait_for(is_card("赵过期"), timeout=60.0)
        if i is None:
            w.stop()
            ok(False, "serial watch: card read",
               "events: %r\nwatch stderr: %s" % (w.events, w.p.stderr.read().decode(errors="replace")))
        else:
            ok(True, "serial watch: card read")
        m = w.mark()
        time.sleep(1.2)
        w.poll()
        ok(not [e for e in w.events[m:] if e["event"] == "card"], "serial watch: read once per placement", w.events[m:])
        emu("insert", "resident")
        ok(w.wait_for(is_card("李晓明"), start=m) is not None, "serial watch: next card read", w.events[m:])
    finally:
        w.stop()
    rc, out, err, _ = cli("card", "read", "--serial", "/dev/nonexistent-tty", "--timeout", "20")
    ok(rc == 8 and "cannot be opened" in err, "serial: missing device -> exit 8", "rc=%d %s" % (rc, err))


{"cards": group_cards, "errors": group_errors, "hotplug": group_hotplug,
 "serial": group_serial}[GROUP]()
print("1..%d" % n)
sys.exit(1 if failed else 0)
