"""Demo content of the prevention app (called by `manage.py loaddemo`, see portal/demo.py)."""


def load(*, stdout) -> None:
    load_districts_and_indicators(stdout=stdout)
    load_prevention_council(stdout=stdout)


# --- districts and indicators (issue 5) ---
def load_districts_and_indicators(*, stdout) -> None:
    pass


# --- prevention council (issue 4) ---
def load_prevention_council(*, stdout) -> None:
    pass
