"""``python -m nntui.serve.zygote FD WARM``: the starter process (see :mod:`.starter`)."""

import sys

from .starter import main

sys.exit(main())
