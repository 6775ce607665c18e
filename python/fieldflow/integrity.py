"""The sealed header of every HDF5 file of a dataset (docs/formats.md, "Integrity"): a
512-byte user block with the file's kind, index, status, size and CRC-32, checked as the
C reader checks it (src/io/dataset_checksum.c)."""
import os
import zlib

HEADER_BYTES = 512
MAGIC = "fieldflow-h5 1"


class CorruptFile(IOError):
    """A dataset file that is truncated, changed or was never sealed; the message names it."""


def read_header(path):
    """The header of a dataset file as a dict (kind, index, status, bytes, crc32), or raise
    CorruptFile when there is none."""
    with open(path, "rb") as f:
        block = f.read(HEADER_BYTES)
    if len(block) < HEADER_BYTES:
        raise CorruptFile(f"corrupt file '{path}': truncated to {len(block)} bytes, shorter than its header")
    lines = block.rstrip(b"\0").decode("ascii", "replace").splitlines()
    if not lines or lines[0] != MAGIC:
        raise CorruptFile(f"corrupt file '{path}': no fieldflow header (never sealed, or overwritten)")
    header = dict(line.split(" ", 1) for line in lines[1:] if " " in line)
    if not {"kind", "bytes", "crc32"} <= header.keys():
        raise CorruptFile(f"corrupt file '{path}': no fieldflow header (never sealed, or overwritten)")
    header["bytes"] = int(header["bytes"])
    header["crc32"] = int(header["crc32"], 16)
    header["index"] = int(header.get("index", -1))
    return header


def verify(path, full=True):
    """Quick: the header is there and the file has its size. Full: also the CRC-32 of the rest.
    Returns the header; raises CorruptFile naming the file and what is wrong."""
    header = read_header(path)
    size = os.path.getsize(path)
    if size < header["bytes"]:
        raise CorruptFile(f"corrupt file '{path}': truncated: {size} of {header['bytes']} bytes")
    if size > header["bytes"]:
        raise CorruptFile(f"corrupt file '{path}': {size} bytes, its header says {header['bytes']} (appended to?)")
    if full:
        crc = 0
        with open(path, "rb") as f:
            f.seek(HEADER_BYTES)
            for chunk in iter(lambda: f.read(1 << 20), b""):
                crc = zlib.crc32(chunk, crc)
        if crc != header["crc32"]:
            raise CorruptFile(f"corrupt file '{path}': checksum mismatch (CRC-32 {crc:08x}, "
                              f"header says {header['crc32']:08x})")
    return header
