"""bench/RESULTS.md from the results each benchmark saved (bench/results/<name>.json).

    python -m bench.report

One table per benchmark, in the order of ORDER, with the machine, date and commit of the
run that produced it.
"""

import json
from pathlib import Path

from bench.common import RESULTS_DIR, ROOT

ORDER = ("ingest", "timers", "timer_memory", "end_to_end", "stats")
OUTPUT = ROOT / "bench" / "RESULTS.md"


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.1f}"
    return f"{value:.3f}"


def _table(result: dict) -> list[str]:
    machine = result["machine"]
    lines = [
        f"## {result['title']}",
        "",
        f"{machine['date']}, commit `{machine['commit']}`: {machine['cores']} cores "
        f"({machine['cpu']}), {machine['memory']}, {machine['postgresql']}, "
        f"Python {machine['python']}; load average {machine.get('load', 'unknown')} at start.",
        "",
        "| figure | value | floor (same run) | ratio | goal | met |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    for figure in result["figures"]:
        value = f"{_number(figure['value'])} {figure['unit']}".strip()
        ratio = f"{figure['ratio']:.0%}" if figure.get("ratio") else ""
        floor = ""
        if figure.get("floor"):
            floor = f"{figure['floor_name']}: {_number(figure['floor'])} {figure['unit']}"
        met = {True: "yes", False: "**no**", None: ""}[figure.get("met")]
        lines.append(
            f"| {figure['name']} | {value} | {floor} | {ratio} | {figure.get('goal', '')} | {met} |"
        )
    lines += ["", *(f"- {note}" for note in result.get("notes", [])), ""]
    return lines


def report() -> Path:
    results = {path.stem: json.loads(path.read_text()) for path in RESULTS_DIR.glob("*.json")}
    names = [name for name in ORDER if name in results]
    names += sorted(set(results) - set(ORDER))
    lines = [
        "# Benchmark results",
        "",
        "Made by `make bench` (each benchmark alone: `python -m bench.<name>`). Every figure",
        "with a floor is a ratio against that floor measured in the same run on the same",
        "machine. See bench/README.md for what each benchmark does.",
        "",
    ]
    for name in names:
        lines += _table(results[name])
    OUTPUT.write_text("\n".join(lines))
    return OUTPUT


if __name__ == "__main__":
    print(f"wrote {report()}")
