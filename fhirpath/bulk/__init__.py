"""Evaluating FHIRPath over many resources: `bulk.local` (process pool over NDJSON files)
and `bulk.spark` (a Spark DataFrame transformation; needs the `spark` extra).

Nothing is imported here, so `import fhirpath.bulk.local` never loads pyspark.
"""
