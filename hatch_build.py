"""Build hook: compile textclean's typed Cython modules (``textclean/matching/_*.pyx``, see
textclean/matching/compiled.py).

Each module goes through Cython to C, then through the C compiler ($CC, else the one Python was built with)
into an extension module beside its source: an editable install and a checkout's tests (``python -m pytest``
imports the checkout) use it there, and a wheel takes it in and becomes platform-specific. Where Cython or a
working compiler is missing, the hook says so on stderr and the package is built without them: the
pure-Python path, which gives the same output.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompiledCoreHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        package = Path(self.root, "textclean", "matching")
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        sources = sorted(package.glob("_*.pyx"))
        for source in sources:  # a module built before from other sources must not stay in use
            source.with_name(source.stem + suffix).unlink(missing_ok=True)
        try:
            built = [_compile(source, source.with_name(source.stem + suffix)) for source in sources]
        except (OSError, subprocess.CalledProcessError) as error:
            reason = (getattr(error, "stderr", None) or str(error)).strip().splitlines() or [repr(error)]
            print(f"textclean: the compiled core was not built ({reason[-1]}); building the pure-Python package"
                  " (same output, slower)", file=sys.stderr)
            for source in sources:
                source.with_name(source.stem + suffix).unlink(missing_ok=True)
            return
        if version != "editable":
            for library in built:
                build_data["force_include"][str(library)] = f"textclean/matching/{library.name}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True


def _compile(source: Path, library: Path) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        c_file = Path(scratch, f"{source.stem}.c")
        subprocess.run([sys.executable, "-m", "cython", "-3", "--module-name", f"textclean.matching.{source.stem}",
                        "-o", str(c_file), str(source)], check=True, capture_output=True, text=True)
        compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
        subprocess.run([*compiler, "-shared", "-fPIC", "-O2", f"-I{sysconfig.get_paths()['include']}",
                        str(c_file), "-o", str(library)], check=True, capture_output=True, text=True)
    return library
