# rawtds: a minimal TDS 7.x client (Python stdlib only) for tdsd's tests,
# for what tsql, freebcp and pytds cannot send on purpose: malformed
# packets, text that is not UTF-16, ATTENTION at a chosen moment, the
# IGNORE bit, bulk rows of our own making.  Used through tdsd_raw in
# tests/tdsd.sh.  Not a general client: it decodes the types tdsd sends.
import os
import socket
import struct

EOM = 0x01
IGNORE = 0x02


def utf16(s):
    return s.encode("utf-16-le")


def crypt_pw(pw):
    return bytes((((b << 4) & 0xF0) | (b >> 4)) ^ 0xA5 for b in utf16(pw))


class Conn:
    def __init__(self, port, host="127.0.0.1", timeout=10):
        self.s = socket.create_connection((host, port), timeout=timeout)
        self.pktsize = 4096
        self.pid = 1

    def close(self):
        self.s.close()

    # ---- packets
    def send_packet(self, ptype, payload, status=EOM):
        hdr = struct.pack(">BBHHBB", ptype, status, len(payload) + 8, 0,
                          self.pid & 0xFF, 0)
        self.pid += 1
        self.s.sendall(hdr + payload)

    def send(self, ptype, payload, size=None, last_status=EOM):
        size = (size or self.pktsize) - 8
        chunks = [payload[i:i + size] for i in range(0, len(payload), size)]
        if not chunks:
            chunks = [b""]
        for i, c in enumerate(chunks):
            self.send_packet(ptype, c,
                             last_status if i == len(chunks) - 1 else 0)

    def recv_exact(self, n):
        b = b""
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                raise EOFError("connection closed")
            b += c
        return b

    def read_message(self):
        data = b""
        while True:
            h = self.recv_exact(8)
            n = struct.unpack(">H", h[2:4])[0]
            data += self.recv_exact(n - 8)
            if h[1] & EOM:
                return data

    # ---- login
    def prelogin(self):
        opts = [(0, b"\x0b\x00\x00\x00\x00\x00"), (1, b"\x02"), (0xFF, b"")]
        off = 5 * (len(opts) - 1) + 1
        head = b""
        body = b""
        for t, v in opts[:-1]:
            head += struct.pack(">BHH", t, off + len(body), len(v))
            body += v
        self.send(0x12, head + b"\xff" + body)
        return self.read_message()

    def login(self, user, pw, db="", tdsver=0x74000004, packet=4096,
              app="rawtds"):
        strs = [utf16("rawhost"), utf16(user), crypt_pw(pw), utf16(app),
                utf16("tdsd"), b"", utf16("rawtds"), b"", utf16(db)]
        off = 94
        table = b""
        data = b""
        for i, s in enumerate(strs):
            table += struct.pack("<HH", off + len(data), len(s) // 2)
            data += s
        # ClientID, SSPI, AtchDBFile, ChangePassword, cbSSPILong
        table += b"\0" * 6 + struct.pack("<HHHHHHI", off + len(data), 0,
                                         off + len(data), 0,
                                         off + len(data), 0, 0)
        fixed = struct.pack("<IIIIIIBBBBiI", 0, tdsver, packet, 7,
                            os.getpid(), 0, 0xE0, 0x03, 0, 0, 0, 0x409)
        msg = fixed + table + data
        msg = struct.pack("<I", len(msg)) + msg[4:]
        self.send(0x10, msg)
        return parse(self.read_message())

    # ---- requests
    def batch_payload(self, sql, headers=True):
        text = sql if isinstance(sql, bytes) else utf16(sql)
        if not headers:
            return text
        hdr = struct.pack("<IHQI", 18, 2, 0, 1)
        return struct.pack("<I", 4 + len(hdr)) + hdr + text

    def batch(self, sql, size=None):
        self.send(0x01, self.batch_payload(sql), size)
        return parse(self.read_message())

    def attention(self):
        self.send_packet(0x06, b"")


def connect(port, user, pw, db="", **kw):
    c = Conn(port)
    c.prelogin()
    toks = c.login(user, pw, db, **kw)
    if not any(t["t"] == "loginack" for t in toks):
        raise RuntimeError("login failed: %r" % toks)
    return c


# ---- reply tokens
def bvarchar(b, i):
    n = b[i]
    return b[i + 1:i + 1 + 2 * n].decode("utf-16-le"), i + 1 + 2 * n


def usvarchar(b, i):
    n = struct.unpack_from("<H", b, i)[0]
    return b[i + 2:i + 2 + 2 * n].decode("utf-16-le"), i + 2 + 2 * n


def parse_typeinfo(b, i):
    t = b[i]
    i += 1
    info = {"type": t}
    if t in (0x26, 0x68, 0x6D, 0x6F):
        info["len"] = b[i]
        i += 1
    elif t in (0x6A, 0x6C):
        info["len"], info["prec"], info["scale"] = b[i], b[i + 1], b[i + 2]
        i += 3
    elif t == 0x28:
        pass
    elif t in (0x29, 0x2A, 0x2B):
        info["scale"] = b[i]
        i += 1
    elif t in (0xE7, 0xEF, 0xA7, 0xAF):
        info["len"] = struct.unpack_from("<H", b, i)[0]
        i += 7
    elif t in (0xA5, 0xAD):
        info["len"] = struct.unpack_from("<H", b, i)[0]
        i += 2
    elif t in (0x30, 0x32, 0x34, 0x38, 0x7F, 0x3E, 0x3B, 0x3D):
        info["len"] = {0x30: 1, 0x32: 1, 0x34: 2, 0x38: 4, 0x7F: 8,
                       0x3E: 8, 0x3B: 4, 0x3D: 8}[t]
        info["fixed"] = True
    else:
        raise ValueError("type 0x%02X" % t)
    return info, i


def parse_value(b, i, c):
    t = c["type"]
    if c.get("fixed"):
        n = c["len"]
        return int.from_bytes(b[i:i + n], "little", signed=True), i + n
    if t in (0x26, 0x68):
        n = b[i]
        if n == 0:
            return None, i + 1
        return int.from_bytes(b[i + 1:i + 1 + n], "little",
                              signed=t == 0x26), i + 1 + n
    if t == 0x6D:
        n = b[i]
        if n == 0:
            return None, i + 1
        return struct.unpack_from("<d" if n == 8 else "<f", b, i + 1)[0], \
            i + 1 + n
    if t in (0x6A, 0x6C):
        n = b[i]
        if n == 0:
            return None, i + 1
        sign = b[i + 1]
        m = int.from_bytes(b[i + 2:i + 1 + n], "little")
        s = c["scale"]
        txt = str(m).rjust(s + 1, "0")
        if s:
            txt = txt[:-s] + "." + txt[-s:]
        return ("" if sign else "-") + txt, i + 1 + n
    if t == 0x28:
        n = b[i]
        if n == 0:
            return None, i + 1
        return ("date", int.from_bytes(b[i + 1:i + 4], "little")), i + 4
    if t in (0x29, 0x2A):
        n = b[i]
        if n == 0:
            return None, i + 1
        return ("time", b[i + 1:i + 1 + n].hex()), i + 1 + n
    if t in (0xE7, 0xEF, 0xA7, 0xAF, 0xA5, 0xAD):
        if c["len"] == 0xFFFF:
            total = struct.unpack_from("<Q", b, i)[0]
            i += 8
            if total == 0xFFFFFFFFFFFFFFFF:
                return None, i
            data = b""
            while True:
                n = struct.unpack_from("<I", b, i)[0]
                i += 4
                if n == 0:
                    break
                data += b[i:i + n]
                i += n
        else:
            n = struct.unpack_from("<H", b, i)[0]
            i += 2
            if n == 0xFFFF:
                return None, i
            data = b[i:i + n]
            i += n
        if t in (0xE7, 0xEF):
            return data.decode("utf-16-le"), i
        if t in (0xA7, 0xAF):
            return data.decode("cp1252"), i
        return data, i
    raise ValueError("type 0x%02X" % t)


def parse(b):
    toks = []
    i = 0
    cols = None
    while i < len(b):
        tok = b[i]
        i += 1
        if tok in (0xAA, 0xAB):
            n = struct.unpack_from("<H", b, i)[0]
            num, state, cls = struct.unpack_from("<iBB", b, i + 2)
            msg, _ = usvarchar(b, i + 8)
            toks.append({"t": "error" if tok == 0xAA else "info",
                         "num": num, "cls": cls, "state": state,
                         "msg": msg})
            i += 2 + n
        elif tok in (0xFD, 0xFE, 0xFF):
            st, cmd, cnt = struct.unpack_from("<HHQ", b, i)
            toks.append({"t": "done", "status": st, "cmd": cmd,
                         "count": cnt, "tok": tok})
            i += 12
        elif tok == 0xE3:
            n = struct.unpack_from("<H", b, i)[0]
            toks.append({"t": "env", "type": b[i + 2],
                         "data": b[i + 3:i + 2 + n]})
            i += 2 + n
        elif tok == 0xAD:
            n = struct.unpack_from("<H", b, i)[0]
            toks.append({"t": "loginack"})
            i += 2 + n
        elif tok == 0xAE:
            while b[i] != 0xFF:
                i += 1 + 4 + struct.unpack_from("<I", b, i + 1)[0]
            i += 1
        elif tok == 0x81:
            n = struct.unpack_from("<H", b, i)[0]
            i += 2
            cols = []
            for _ in range(n):
                flags = struct.unpack_from("<H", b, i + 4)[0]
                info, i = parse_typeinfo(b, i + 6)
                info["flags"] = flags
                info["name"], i = bvarchar(b, i)
                cols.append(info)
            toks.append({"t": "cols", "cols": cols})
        elif tok == 0xD1:
            vals = []
            for c in cols:
                v, i = parse_value(b, i, c)
                vals.append(v)
            toks.append({"t": "row", "vals": vals})
        else:
            raise ValueError("token 0x%02X at %d" % (tok, i - 1))
    return toks


def errors(toks):
    return [(t["num"], t["cls"]) for t in toks if t["t"] == "error"]


def dones(toks):
    return [(t["status"], t["count"]) for t in toks if t["t"] == "done"]


def rows(toks):
    return [t["vals"] for t in toks if t["t"] == "row"]
