from pathlib import Path

import pytest

from fhirpath.model import generate

DATA = Path(generate.__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def regenerated(shared, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model-data")
    generate.generate(shared, out)
    return out


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_committed_data_is_exactly_what_the_generator_writes(regenerated, release):
    name = f"{release}.txt"
    assert (regenerated / name).read_bytes() == (DATA / name).read_bytes(), (
        f"fhirpath/model/data/{name} is stale: run python -m fhirpath.model.generate"
    )


def test_the_generator_writes_only_the_release_tables(regenerated):
    assert sorted(p.name for p in regenerated.iterdir()) == ["r4.txt", "r5.txt"]
    assert sorted(p.name for p in DATA.iterdir()) == ["r4.txt", "r5.txt"]


@pytest.mark.parametrize("release", ["r4", "r5"])
def test_data_files_stay_well_under_half_a_megabyte(release):
    assert (DATA / f"{release}.txt").stat().st_size < 400_000


def test_the_generator_corrects_value_types_that_contradict_fhirpath(shared, capsys):
    _, types, _ = generate.build(shared / "fhir-definitions" / "r5")
    assert types["positiveInt"].system == "Integer"  # the definition says String
    assert types["integer64"].system == "Long"  # the definition says Integer
    assert "integer64: value type Integer -> Long" in capsys.readouterr().err


def test_the_generator_command_line_writes_to_the_given_folder(shared, tmp_path, capsys):
    generate.main(["--shared", str(shared), "--out", str(tmp_path)])
    assert "r4.txt" in capsys.readouterr().out
    assert (tmp_path / "r4.txt").read_bytes() == (DATA / "r4.txt").read_bytes()
