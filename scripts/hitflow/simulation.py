"""``hitflow simulate``: simulated batch files for tests, demos and benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hitflow.simulate import (
    Crowd,
    World,
    resave_as_excel,
    simulate_batch,
    write_campaign,
)

STAGES = ("directories", "clubs", "leads")


def simulate_folder(
    out: Path,
    *,
    seed: int,
    universities: int,
    assignments: int | None = None,
    xlsx: bool = False,
) -> Iterator[str]:
    """Write one batch per stage, fed from the world's truth, plus the truth."""
    out.mkdir(parents=True, exist_ok=True)
    if assignments:
        path = out / f"Batch_{assignments}_batch_results.csv"
        write_campaign(path, assignments, seed=seed)
        yield f"wrote {assignments:,} assignments to {path}"
        return
    world = World.generate(seed, n_universities=universities)
    crowd = Crowd.generate(seed)
    for number, stage in enumerate(STAGES, start=1):
        path = simulate_batch(
            world,
            crowd,
            stage,
            world.inputs(stage),
            out / f"{stage}_Batch_{number}_batch_results.csv",
            seed=seed,
        )
        yield f"wrote {stage} batch {path}"
        if xlsx:
            yield f"wrote Excel re-save {resave_as_excel(path)}"
    truth = out.parent / f"{out.name}_truth"
    for path in [*world.write_truth(truth), crowd.write_truth(truth)]:
        yield f"wrote truth {path}"
