"""Every chapter function that takes a seed checks it with the one seed rule, before any work."""

import importlib
import inspect
import pkgutil

import pytest

import explainer_core.chapters as chapters

SEEDED = [
    (info.name, name, function)
    for info in pkgutil.iter_modules(chapters.__path__)
    for name, function in vars(importlib.import_module(f"{chapters.__name__}.{info.name}")).items()
    if inspect.isfunction(function) and not name.startswith("_")
    and function.__module__ == f"{chapters.__name__}.{info.name}"
    and "seed" in inspect.signature(function).parameters
]


def test_the_chapters_have_seeded_entry_points():
    assert {module for module, _, _ in SEEDED} >= {
        "dimensions", "evolution_wins", "neuroevolution", "random_search", "real_landscapes"}


@pytest.mark.parametrize("module, name, function", SEEDED, ids=[f"{m}.{n}" for m, n, _ in SEEDED])
def test_a_bad_seed_is_refused_by_name(module, name, function):
    with pytest.raises(ValueError) as error:
        result = function(seed=-1)
        if inspect.isgenerator(result) or isinstance(result, list):
            list(result)
    assert error.value.arg == "seed"
