"""`python -m automl ...` runs the command line."""

from automl.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
