"""Run the kgan command in-process, as the installed script does."""

import contextlib
import io

from kgan.cli import main


def run_cli(args):
    """``(exit code, stdout, stderr)`` of ``kgan ARGS``."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code or 0
    return code, out.getvalue(), err.getvalue()
