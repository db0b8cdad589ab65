"""Write the hostile-file corpus (wenchuang.ingest.hostile) to a folder, for probing a running server:
.venv/bin/python scripts/hostile-corpus.py var/hostile
"""

from __future__ import annotations

import sys
from pathlib import Path

from wenchuang.ingest.hostile import corpus

out = Path(sys.argv[1] if len(sys.argv) > 1 else "var/hostile")
out.mkdir(parents=True, exist_ok=True)
for name, data in corpus().items():
    (out / name).write_bytes(data)
    print(f"{name}\t{len(data)} bytes")
