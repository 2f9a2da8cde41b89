"""Charts leave the analyst's matplotlib alone: backend, pyplot figures and rcParams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, matplotlib
matplotlib.use("svg")
matplotlib.rcParams["text.parse_math"] = True
matplotlib.rcParams["font.family"] = "serif"
import matplotlib.pyplot as plt
before = dict(matplotlib.rcParams)
import govkit.district
from govkit import charts
html = charts.img_html(charts.bars(["甲$x$", "乙"], [1, 2], "标题"), "图")
changed = sorted(k for k, v in matplotlib.rcParams.items() if before.get(k) != v)
print(json.dumps({"backend": matplotlib.get_backend(), "figures": plt.get_fignums(), "changed": changed,
                  "png": html.count("data:image/png;base64,")}))
"""


def test_importing_and_drawing_keeps_the_callers_matplotlib_state():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=ROOT, check=True
    )
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state == {"backend": "svg", "figures": [], "changed": [], "png": 1}
