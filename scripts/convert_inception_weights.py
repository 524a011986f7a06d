"""Converts pytorch-fid's FID Inception weights to safetensors for `pfd eval --inception-weights`.

    # on a machine with internet access, once:
    wget https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth
    python3 scripts/convert_inception_weights.py pt_inception-2015-12-05-6726825d.pth pt_inception.safetensors

Needs only PyTorch (Debian's python3-torch will do). Uses the `safetensors`
package when it is installed, otherwise the reference-layout writer in
scripts/fixtures/safetensors_ref.py; both produce the same file.
"""
import os
import sys

import torch

if len(sys.argv) != 3:
    sys.exit(__doc__)
src, dst = sys.argv[1], sys.argv[2]
state = torch.load(src, map_location="cpu")
if not isinstance(state, dict) or "fc.weight" not in state or "Mixed_7c.branch_pool.conv.weight" not in state:
    sys.exit(f"{src}: not pytorch-fid's Inception state dict (no fc.weight / Mixed_7c...)")
tensors = {k: v.contiguous() for k, v in state.items() if torch.is_tensor(v)}
meta = {"source": os.path.basename(src)}
try:
    from safetensors.torch import save_file
    save_file(tensors, dst, metadata=meta)
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "fixtures"))
    import safetensors_ref
    safetensors_ref.save(tensors, dst, meta)
print(f"wrote {dst}: {len(tensors)} tensors, fc {tuple(tensors['fc.weight'].shape)}")
