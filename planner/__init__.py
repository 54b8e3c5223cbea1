"""dcplan: plan data-centre capacity, cooling and green power for East Data, West Computing."""

__version__ = "0.1.0"


def __getattr__(name: str):
    """`planner.load_run(folder)`: read a results folder (see docs/reading-results.md).
    Imported lazily so `import planner` stays light."""
    if name == "load_run":
        from planner.report import load_run

        return load_run
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
