"""``python -m estimator`` is the ``costrail`` command."""

from estimator.cli import main

if __name__ == "__main__":
    main()
