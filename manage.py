#!/usr/bin/env python
import sys

from wenchuang.cli import main

if __name__ == "__main__":
    sys.exit(main())
