"""python -m procscope_tracer script.py [args...]: run a script as __main__, traced."""

import sys

if sys.version_info < (3, 8):
    sys.stderr.write('procscope: Python 3.8 or newer is required, this is Python %s\n'
                     % sys.version.split()[0])
    sys.exit(2)

from procscope_tracer.runner import main  # noqa: E402 (after the version check, on purpose)

sys.exit(main(sys.argv[1:]))
