"""bulk.spark on a real local Spark (local[2]) against the local runner, over the whole corpus."""

import json
import os
import shutil
import sys
import time

import pytest

from fhirpath.bulk import local, records

pytestmark = pytest.mark.spark

EXPRESSIONS = {
    "given": "Patient.name.given.single()",  # raises on every patient with two given names
    "amount": "Observation.value.ofType(Quantity).value",  # exact decimals
    "when": "Observation.effective.ofType(dateTime) + 1 day",  # date-times as FHIR text
}


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'fhirpath-lean[spark]')")
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("no Java runtime for Spark (java not on PATH, JAVA_HOME unset)")
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPARK_LOCAL_IP", os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"))
        patch.setenv("PYSPARK_PYTHON", sys.executable)  # the workers import this checkout's fhirpath
        session = (
            SparkSession.builder.master("local[2]")
            .appName("fhirpath-bulk-test")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.files.maxPartitionBytes", str(8 << 20))  # several partitions from one file
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def test_spark_columns_match_the_local_runner_result_for_result(spark, shared):
    from fhirpath.bulk.spark import evaluate_columns

    corpus = shared / "corpus" / "resources-r4.ndjson"
    started = time.perf_counter()
    frame = evaluate_columns(spark.read.text(str(corpus)), "value", EXPRESSIONS, error_column="error")
    rows = frame.drop("value").collect()
    print(f"spark: {len(rows):,} rows x {len(EXPRESSIONS)} expressions in {time.perf_counter() - started:.1f} s")
    expected = list(local.evaluate([corpus], EXPRESSIONS, jobs=2))
    assert len(rows) == len(expected) == 25_823
    mismatches = []
    for row, record in zip(rows, expected):
        if "error" in record:
            wanted = {**{name: None for name in EXPRESSIONS}, "error": records.encode(record["error"]).decode()}
        else:
            wanted = {**{name: records.encode(record[name]).decode() for name in EXPRESSIONS}, "error": None}
        if row.asDict() != wanted:
            mismatches.append((record["line"], row.asDict(), wanted))
    assert mismatches == []
    assert sum(row["error"] is not None for row in rows) > 0
    assert any(row["amount"] not in (None, "[]") for row in rows)


def test_a_bad_expression_fails_before_spark_runs(spark):
    from fhirpath.bulk.spark import evaluate_columns
    from fhirpath.errors import FHIRPathSyntaxError

    frame = spark.createDataFrame([('{"resourceType": "Patient"}',)], ["json"])
    with pytest.raises(FHIRPathSyntaxError):
        evaluate_columns(frame, "json", {"bad": "Patient."})


def test_nulls_and_broken_json_become_errors_and_other_columns_are_kept(spark):
    from fhirpath.bulk.spark import evaluate_columns

    frame = spark.createDataFrame(
        [(1, '{"resourceType": "Observation", "valueQuantity": {"value": 1.50}}'), (2, "{oops"), (3, None)],
        "id int, json string",
    )
    rows = evaluate_columns(frame, "json", {"v": "Observation.value.value"}).orderBy("id").collect()
    assert [(row["id"], row["v"]) for row in rows] == [(1, "[1.50]"), (2, None), (3, None)]
    assert [json.loads(row["error"])["code"] if row["error"] else None for row in rows] == [
        None, "invalid-json", "invalid-json",
    ]
