"""`python -m nntui` runs the same command line as the `nntui` script."""

from nntui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
