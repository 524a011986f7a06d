"""Interop check against Python's real `safetensors` package (run where it is
installed, e.g. the GPU machine): (1) it writes the same bytes as our writer
for the same tensors, (2) it reads our fixture, (3) a checkpoint saved by
`saveModule` here loads into the PyTorch twin of the net (strict
load_state_dict) and gives the same outputs that TypeScript computed.
    python3 scripts/device/check_safetensors.py CHECKPOINT EXPECTED"""
import os
import sys

import torch
from safetensors.torch import load_file, save_file

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(root, "scripts", "fixtures"))
from make_torch_fixtures import Net  # noqa: E402

fixture = os.path.join(root, "test", "fixtures", "format.safetensors")
loaded = load_file(fixture)
print("safetensors read our fixture:", sorted(loaded))
out = "/tmp/format_py.safetensors"
save_file(loaded, out, metadata={"format": "pt", "note": "mixed"})
py_bytes, our_bytes = open(out, "rb").read(), open(fixture, "rb").read()
same = py_bytes == our_bytes
if not same:
    import struct
    for name, b in (("python", py_bytes), ("ours", our_bytes)):
        (n,) = struct.unpack("<Q", b[:8])
        print(name, len(b), "bytes, header", n, ":", b[8:8 + n].decode())
    dest = os.environ.get("OUT")
    if dest:
        open(os.path.join(dest, "format_py.safetensors"), "wb").write(py_bytes)
print("byte-identical to ours when python safetensors writes the same tensors:", same)

ckpt, expected = sys.argv[1], sys.argv[2]
net = Net()
net.load_state_dict(load_file(ckpt), strict=True)
exp = load_file(expected)
net.eval()
with torch.no_grad():
    img, score = net(exp["z"], exp["user"])
print("max |img - ts_img| =", (img - exp["img"]).abs().max().item(), " max |score - ts_score| =", (score - exp["score"]).abs().max().item())
ok = same and (img - exp["img"]).abs().max().item() < 1e-4 and (score - exp["score"]).abs().max().item() < 1e-4
print("SAFETENSORS_INTEROP", "OK" if ok else "FAILED")
