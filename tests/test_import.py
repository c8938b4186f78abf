"""`import nerve` stays light: heavy optional libraries load only where used."""

import subprocess
import sys


def test_import_does_not_load_heavy_libraries():
    code = (
        "import sys, nerve\n"
        "from nerve import backend as K\n"
        "heavy = [m for m in ('sklearn', 'matplotlib', 'h5py', 'tqdm') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
