"""Thrift's compact protocol, losslessly: decode a struct to field lists and encode it back.

Parquet's footer is a compact-protocol ``FileMetaData``. Writing one file from several ranks
needs the footer of each rank's part with its byte offsets moved (``parquet_write``); pyarrow
exposes the footer read-only, so hpjit edits the encoded struct itself. Only the generic
encoding is known here: a struct is a list of ``[field_id, type, value]``, and decoding then
encoding gives the same bytes.
"""
STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)


def _varint(buf, pos):
    shift = value = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def _unzigzag(n):
    return (n >> 1) ^ -(n & 1)


def _value(buf, pos, typ):
    if typ in (TRUE, FALSE, BYTE):  # (a bool is one byte only as a list element)
        return buf[pos], pos + 1
    if typ in (I16, I32, I64):
        n, pos = _varint(buf, pos)
        return _unzigzag(n), pos
    if typ == DOUBLE:
        return buf[pos:pos + 8], pos + 8
    if typ == BINARY:
        n, pos = _varint(buf, pos)
        return bytes(buf[pos:pos + n]), pos + n
    if typ in (LIST, SET):
        head = buf[pos]
        pos += 1
        size, elem = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(buf, pos)
        items = []
        for _ in range(size):
            v, pos = _value(buf, pos, elem)
            items.append(v)
        return (elem, items), pos
    if typ == MAP:
        size, pos = _varint(buf, pos)
        if not size:
            return (0, 0, []), pos
        kinds = buf[pos]
        pos += 1
        kt, vt, pairs = kinds >> 4, kinds & 0x0F, []
        for _ in range(size):
            k, pos = _value(buf, pos, kt)
            v, pos = _value(buf, pos, vt)
            pairs.append((k, v))
        return (kt, vt, pairs), pos
    if typ == STRUCT:
        return decode_struct(buf, pos)
    raise ValueError(f"thrift: unknown compact type {typ} at byte {pos}")


def decode_struct(buf, pos=0):
    """``(fields, end)``: the struct at ``buf[pos:]`` as ``[[field_id, type, value], ...]``
    (a bool field's value is None: its type says true or false)."""
    fields, last = [], 0
    while True:
        head = buf[pos]
        pos += 1
        typ = head & 0x0F
        if typ == STOP:
            return fields, pos
        delta = head >> 4
        if delta:
            fid = last + delta
        else:
            n, pos = _varint(buf, pos)
            fid = _unzigzag(n)
        if typ in (TRUE, FALSE):
            value = None
        else:
            value, pos = _value(buf, pos, typ)
        fields.append([fid, typ, value])
        last = fid


def _put_varint(out, n):
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _put_value(out, typ, value):
    if typ in (TRUE, FALSE, BYTE):
        out.append(value)
    elif typ in (I16, I32, I64):
        _put_varint(out, (value << 1) ^ (value >> 63))
    elif typ == DOUBLE:
        out += value
    elif typ == BINARY:
        _put_varint(out, len(value))
        out += value
    elif typ in (LIST, SET):
        elem, items = value
        if len(items) < 15:
            out.append((len(items) << 4) | elem)
        else:
            out.append(0xF0 | elem)
            _put_varint(out, len(items))
        for v in items:
            _put_value(out, elem, v)
    elif typ == MAP:
        kt, vt, pairs = value
        _put_varint(out, len(pairs))
        if pairs:
            out.append((kt << 4) | vt)
            for k, v in pairs:
                _put_value(out, kt, k)
                _put_value(out, vt, v)
    elif typ == STRUCT:
        _put_struct(out, value)
    else:
        raise ValueError(f"thrift: unknown compact type {typ}")


def _put_struct(out, fields):
    last = 0
    for fid, typ, value in fields:
        if 0 < fid - last <= 15:
            out.append(((fid - last) << 4) | typ)
        else:
            out.append(typ)
            _put_varint(out, (fid << 1) ^ (fid >> 63))
        if typ not in (TRUE, FALSE):
            _put_value(out, typ, value)
        last = fid
    out.append(STOP)


def encode_struct(fields):
    """The compact encoding of a struct given as ``decode_struct`` returns it."""
    out = bytearray()
    _put_struct(out, fields)
    return bytes(out)


def field(fields, fid):
    """The field entry ``[fid, type, value]`` of a decoded struct, or None."""
    return next((f for f in fields if f[0] == fid), None)

