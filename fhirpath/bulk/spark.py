"""FHIRPath over a Spark DataFrame of resource JSON strings (install the `spark` extra).

`evaluate_columns` adds one string column per expression, holding the result as JSON
text (exact decimals, FHIR date text: the same text `bulk.local` writes for that name),
and an error column holding the error record's ``error`` object as JSON, null when the row
evaluated. A row with an error has null results, as a local run gives an error record.

Executors receive the expression *text* and compile it once per partition: compiled
closures do not pickle. pyspark is imported only here, and only when called. Spark's
Python workers must be able to import fhirpath (``PYSPARK_PYTHON`` names their Python).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from fhirpath.bulk import records


def evaluate_columns(
    df: Any,
    column: str,
    expressions: Mapping[str, str],
    *,
    model: str | None = "r4",
    variables: Mapping[str, Any] | None = None,
    strict: bool = False,
    typed: bool = False,
    error_column: str = "error",
) -> Any:
    """``df`` with the results of ``expressions`` (name -> text) on the JSON in ``column``.

    Syntax and semantic errors raise here, before Spark runs anything.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    options = {"model": model, "strict": strict, "typed": typed, "variables": variables}
    records.Evaluator(expressions, **options)  # compile in the driver: fail fast
    names = list(expressions)
    taken = set(df.columns) & {*names, error_column}
    if taken:
        raise ValueError(f"the DataFrame already has columns {sorted(taken)}")
    if column not in df.columns:
        raise ValueError(f"the DataFrame has no column {column!r}")
    source = df.columns.index(column)
    expressions = dict(expressions)

    def evaluate_partition(rows: Iterator[Any]) -> Iterator[tuple]:
        evaluator = records.Evaluator(expressions, **options)
        for row in rows:
            yield (*row, *_result_columns(evaluator, row[source], names))

    added = [StructField(name, StringType(), nullable=True) for name in [*names, error_column]]
    schema = StructType([*df.schema.fields, *added])
    return df.sparkSession.createDataFrame(df.rdd.mapPartitions(evaluate_partition), schema)


def _result_columns(evaluator: records.Evaluator, data: str | bytes | None, names: list[str]) -> tuple:
    if data is None:
        record = records.error_record(None, None, "invalid-json", "the column is null")
    else:  # lone surrogates pass through, to be refused by the decoder as any bad input is
        record = evaluator.record(None, None, data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    error = record.get("error")
    if error is not None:
        return (*(None for _ in names), records.encode(error).decode())
    return (*(records.encode(record[name]).decode() for name in names), None)
