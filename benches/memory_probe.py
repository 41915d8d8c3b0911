"""Memory figures of one component, measured in this fresh interpreter.

    python -m benches.memory_probe COMPONENT SHARED_FOLDER

prints one JSON object: ``figures`` (name -> bytes, or a ratio) and ``top``, the
allocation sites that hold most of what was measured. `test_memory_budgets.py` runs
each component in its own interpreter, so nothing that another measurement imported
or cached is counted, or hidden. Before measuring, this module has imported only `gc`,
`os`, `sys` and `tracemalloc`: a module imported early here would make fhirpath's own
import of it look free.
"""

import gc
import os
import sys
import tracemalloc

#: the expression the issue's evaluation budget names
HEADLINE = "Patient.name.where(use='official').given.first()"
#: a variant of the headline that needs static analysis and closures
GENERAL = "Patient.name.where(use='official').given.first() | Patient.telecom.where(system = 'phone').value"

#: typical expressions, each with the spec example it is evaluated on
TYPICAL = (
    ("Patient-example.json", HEADLINE),
    ("Patient-example.json", "Patient.birthDate"),
    ("Patient-example.json", "Patient.name.family"),
    ("Patient-example.json", "Patient.telecom.where(system = 'phone').value"),
    ("Patient-example.json", "Patient.identifier.where(system = 'urn:oid:1.2.36.146.595.217.0.1').value"),
    ("Patient-example.json", "Patient.active and Patient.gender = 'male'"),
    ("Observation-example.json", "Observation.status = 'final'"),
    ("Observation-example.json", "Observation.subject.reference"),
    ("Observation-example.json", "Observation.code.coding.where(system = 'http://loinc.org').code"),
    ("Observation-example.json", "Observation.value.ofType(Quantity).value > 50"),
    ("Observation-example.json", "Observation.effective.ofType(dateTime)"),
    ("Observation-example.json", "Observation.category.coding.exists(code = 'vital-signs')"),
)

#: corpus files of expressions (2,841 in all, 2,039 distinct)
EXPRESSION_FILES = ("r4-search-parameters.jsonl", "r5-search-parameters.jsonl", "r4-invariants.jsonl")
#: how many corpus resources the evaluation workloads read (the first ones of the NDJSON)
RESOURCES = 2_000


# ---- reading the corpus (done before measuring) ------------------------------------------


def corpus_expressions(shared: str) -> list[str]:
    import json

    texts = []
    for name in EXPRESSION_FILES:
        with open(os.path.join(shared, "corpus", name), encoding="utf-8") as lines:
            texts.extend(json.loads(line)["expression"] for line in lines)
    return texts


def search_parameters(shared: str) -> dict[str, list[str]]:
    """R4 search-parameter expressions by the resource type they are indexed on."""
    import json

    by_type: dict[str, list[str]] = {}
    with open(os.path.join(shared, "corpus", "r4-search-parameters.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for base in record["base"]:
                by_type.setdefault(base, []).append(record["expression"])
    return by_type


def corpus_resources(shared: str, count: int = RESOURCES) -> list[dict]:
    import json

    resources = []
    with open(os.path.join(shared, "corpus", "resources-r4.ndjson"), encoding="utf-8") as lines:
        for line in lines:
            resources.append(json.loads(line))
            if len(resources) == count:
                break
    return resources


def spec_example(shared: str, name: str) -> dict:
    import json

    with open(os.path.join(shared, "corpus", "resources-r4", "spec-examples", name), encoding="utf-8") as f:
        return json.load(f)


# ---- measuring ------------------------------------------------------------------------------


def retained() -> int:
    """Bytes traced and still alive once garbage is collected."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def make_room_for_interned_strings() -> list[str]:
    """Grow CPython's process-wide table of interned strings before measuring.

    The table (names in code, `sys.intern`) doubles when full: one block of up to a few
    hundred KB, charged to whichever step happens to intern the string that fills it,
    depending on everything interned before. So this interns fresh strings until the
    table has grown past 50,000 entries, leaving at least that much room; the strings
    are returned, to be kept alive, and the table's growth is not in any figure."""
    kept: list = [None] * 1_000_000
    tracemalloc.start()
    try:
        for index in range(len(kept)):
            if index % 256 == 0:
                before = tracemalloc.get_traced_memory()[0]
            kept[index] = sys.intern(f"room for interned strings {index}")
            if index % 256 == 255 and tracemalloc.get_traced_memory()[0] - before > 128 * 1024 and index > 50_000:
                break
    finally:
        tracemalloc.stop()
    del kept[index + 1 :]
    return kept


def top_sites(count: int = 6) -> list[dict]:
    """The allocation sites (file:line) holding the most traced memory now. Memory a
    module's import takes shows as importlib's own lines; `benches.profile_memory`
    follows the whole stack."""
    gc.collect()
    statistics = tracemalloc.take_snapshot().statistics("lineno")[:count]
    prefixes = sorted({os.path.dirname(os.__file__), *sys.path}, key=len, reverse=True)
    return [
        {"site": f"{_short(stat.traceback[0].filename, prefixes)}:{stat.traceback[0].lineno}",
         "bytes": stat.size, "blocks": stat.count}
        for stat in statistics
    ]


def _short(filename: str, prefixes) -> str:
    for prefix in prefixes:
        if prefix and filename.startswith(prefix + os.sep):
            return filename[len(prefix) + 1 :]
    return filename


def peak_of(call) -> int:
    """Peak bytes allocated while ``call()`` runs, over what was alive before it."""
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    call()
    return tracemalloc.get_traced_memory()[1] - before


def peak_rss() -> int:
    """This process's peak resident set size so far, in bytes.

    Linux's VmHWM belongs to this program alone; ru_maxrss would start from the
    parent's size at fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# ---- the components -----------------------------------------------------------------------


def parser(shared: str) -> dict:
    """What building the parser keeps, over importing lark and fhirpath."""
    import lark  # noqa: F401  (the budget is over lark itself)

    from fhirpath import parser

    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    tracemalloc.start()
    parser.parse("1")  # the first parse builds the parser
    return {"figures": {"parser_bytes": retained()}, "top": top_sites()}


def baseline(shared: str) -> dict:
    """`import fhirpath` + the R4 model + one compiled expression, over `import lark`."""
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    tracemalloc.start()
    import lark  # noqa: F401

    steps = {"import lark": retained()}
    import fhirpath

    steps["import fhirpath"] = retained()
    from fhirpath.model import load_model

    load_model("r4")
    steps["load the R4 model"] = retained()
    expression = fhirpath.compile(HEADLINE)
    steps["compile one expression (builds the parser)"] = total = retained()
    assert expression.model is not None
    # the headline reads along a plan without analysis: an expression that takes the
    # general way also loads the analyzer and the functions' modules
    general = fhirpath.compile(GENERAL)
    steps["compile one that takes the general way (analyzer, closures)"] = everything = retained()
    assert general._closure is not None
    marks = list(steps.values())
    return {
        "figures": {"evaluator_baseline_bytes": total - marks[0], "evaluator_baseline_with_lark_bytes": total,
                    "evaluator_baseline_general_bytes": everything - marks[0]},
        "steps": dict(zip(steps, (after - before for before, after in zip([0] + marks, marks)))),
        "top": top_sites(),
    }


def ast(shared: str) -> dict:
    """Deep size of each corpus expression's tree, unshared (pympler), and of the whole
    corpus held at once with the node pool (tracemalloc)."""
    from pympler.asizeof import asizeof

    from fhirpath import ast as syntax
    from fhirpath import parser

    texts = corpus_expressions(shared)
    parser.parse("1")
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    tracemalloc.start()
    trees = [parser.parse(text) for text in texts]
    held = retained()
    top = top_sites()
    pool = syntax.NODE_POOL.stats()
    del trees
    tracemalloc.stop()

    syntax.NODE_POOL.clear()
    syntax.NODE_POOL.max_size = 0  # no sharing, even inside one tree
    sizes = sorted(asizeof(parser.parse(text)) for text in texts)
    unpooled = sum(sizes)
    return {
        "figures": {
            "ast_median_bytes": sizes[len(sizes) // 2],
            "ast_max_bytes": sizes[-1],
            "ast_corpus_unpooled_sum_bytes": unpooled,
            "ast_corpus_held_bytes": held,
            "ast_corpus_held_ratio": round(held / unpooled, 3),
        },
        "pool": pool,
        "top": top,
    }


def ast_unpooled(shared: str) -> dict:
    """The whole corpus held at once without the node pool: what the pool is weighed against."""
    from fhirpath import ast as syntax
    from fhirpath import parser

    texts = corpus_expressions(shared)
    parser.parse("1")
    syntax.NODE_POOL.max_size = 0
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    tracemalloc.start()
    trees = [parser.parse(text) for text in texts]
    held = retained()
    assert len(trees) == len(texts)
    return {"figures": {"ast_corpus_held_without_pool_bytes": held}, "top": top_sites()}


def compiled(shared: str) -> dict:
    """Retained per compiled expression in a warm engine: each typical one alone, and each
    distinct R4 search expression compiled in turn, all kept (sharing the node pool)."""
    import fhirpath

    texts = sorted(set(sum(search_parameters(shared).values(), [])))
    engine = _warm(fhirpath.Engine("r4", cache_size=len(texts) + 1), [text for _, text in TYPICAL] + texts)
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    tracemalloc.start()
    typical = {}
    for _, text in TYPICAL:
        before = retained()
        expression = engine.compile(text)
        typical[text] = retained() - before
        del expression
        engine.clear_caches()

    start = retained()
    sizes = []
    for text in texts:
        before = tracemalloc.get_traced_memory()[0]
        try:
            engine.compile(text)
        except fhirpath.FHIRPathError:
            continue  # not every corpus function is implemented yet
        sizes.append(tracemalloc.get_traced_memory()[0] - before)
    held = retained() - start
    top = top_sites()
    sizes.sort()
    return {
        "figures": {
            "compiled_headline_bytes": typical[HEADLINE],
            "compiled_typical_max_bytes": max(typical.values()),
            "compiled_corpus_median_bytes": sizes[len(sizes) // 2],
            "compiled_corpus_mean_bytes": held // len(sizes),
        },
        "typical": typical,
        "compiled": f"{len(sizes)} of {len(texts)} distinct R4 search expressions",
        "top": top,
    }


def _warm(engine, texts):
    """``engine`` once it has compiled ``texts`` and dropped them again: what it and the
    model keep per element, type or function (bounded by the model and the function
    table) is then in place, and not charged to the expressions measured next."""
    import fhirpath

    for text in texts:
        try:
            engine.compile(text)
        except fhirpath.FHIRPathError:
            pass  # not every corpus function is implemented yet; R5 names what R4 lacks
    engine.clear_caches()
    gc.collect()
    return engine


def evaluation(shared: str) -> dict:
    """Peak allocation of one evaluation: each typical expression on its spec example, and
    the worst of every R4 search parameter on every one of the first corpus resources of
    its base type."""
    import fhirpath
    from fhirpath.errors import FHIRPathEvaluationError

    by_type = search_parameters(shared)
    resources = corpus_resources(shared)
    engine = fhirpath.Engine("r4", cache_size=4096)
    examples = {name: spec_example(shared, name) for name, _ in TYPICAL}
    typical_runs = [(text, engine.compile(text), examples[name]) for name, text in TYPICAL]
    compiled = {}
    for text in set(sum(by_type.values(), [])):
        try:
            compiled[text] = engine.compile(text)
        except fhirpath.FHIRPathError:
            pass  # not every corpus function is implemented yet
    corpus_runs = [
        (text, compiled[text], resource)
        for resource in resources
        for text in by_type.get(resource["resourceType"], ())
        if text in compiled
    ]

    def run(expression, resource):
        try:
            expression.evaluate(resource)
        except FHIRPathEvaluationError:
            pass  # an error is a result too; its allocations still count

    for _, expression, resource in typical_runs + corpus_runs:  # warm up
        run(expression, resource)
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    gc.collect()
    tracemalloc.start()
    typical = {text: peak_of(lambda: run(expression, resource)) for text, expression, resource in typical_runs}
    peaks = [peak_of(lambda: run(expression, resource)) for _, expression, resource in corpus_runs]
    worst = max(range(len(peaks)), key=peaks.__getitem__)
    text, _, resource = corpus_runs[worst]
    return {
        "figures": {
            "evaluation_headline_peak_bytes": typical[HEADLINE],
            "evaluation_typical_max_peak_bytes": max(typical.values()),
            "evaluation_corpus_max_peak_bytes": peaks[worst],
        },
        "typical": typical,
        "worst": {"expression": text, "resource": f"{resource['resourceType']}/{resource.get('id')}"},
        "evaluations": len(corpus_runs),
    }


def cache(shared: str) -> dict:
    """The most a default-sized expression cache retains while every distinct corpus
    expression streams through it: in corpus order, and longest first (the worst case
    this corpus can make); its evictions; and `Engine.stats()`'s byte estimate against
    the measured bytes."""
    import fhirpath

    in_order = list(dict.fromkeys(corpus_expressions(shared)))
    engine = _warm(fhirpath.Engine("r4"), in_order)
    room = make_room_for_interned_strings()  # noqa: F841  (kept alive while measuring)
    tracemalloc.start()
    in_order_most, in_order_stats, estimate_ratio, top = _stream(engine, in_order)
    longest_most, _, _, _ = _stream(engine, sorted(in_order, key=lambda text: (-len(text), text)))
    return {
        "figures": {
            "cache_full_bytes": in_order_most,
            "cache_full_longest_bytes": longest_most,
            "cache_evictions": in_order_stats["evictions"],
            "cache_estimate_ratio": estimate_ratio,
        },
        "stats": in_order_stats,
        "top": top,
    }


def _stream(engine, texts) -> tuple[int, dict, float, list]:
    """Compile ``texts`` in turn with ``engine``, its cache emptied first: the most the
    cache retained (checked every 64 expressions), its stats, estimated/retained bytes at
    the end, and the sites holding the most then."""
    import fhirpath

    engine.clear_caches()
    start = retained()
    most = held = 0
    for count, text in enumerate(texts, 1):
        try:
            engine.compile(text)
        except fhirpath.FHIRPathError:
            pass  # not every corpus function is implemented yet; R5 names what R4 lacks
        if count % 64 == 0 or count == len(texts):
            held = retained() - start
            most = max(most, held)
    stats = engine.stats()["cache"]
    return most, stats, round(stats["approximate_bytes"] / held, 2), top_sites()


#: a small Patient for the process probe, written out so that no json import is needed
PATIENT = {
    "resourceType": "Patient",
    "id": "example",
    "name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]}, {"use": "usual", "given": ["Jim"]}],
    "birthDate": "1974-12-25",
}


def process(shared: str) -> dict:
    """Peak RSS of `import fhirpath` + the R4 model + one evaluation, over `import lark`."""
    bare = peak_rss()
    import lark  # noqa: F401

    with_lark = peak_rss()
    import fhirpath

    result = fhirpath.evaluate(PATIENT, HEADLINE)
    end = peak_rss()
    assert result == ["Peter"], result
    return {"figures": {"process_own_rss_bytes": end - with_lark}}


def process_total(shared: str) -> dict:
    """The same in a process that never imports lark (the parser runs committed tables):
    what a user's process pays."""
    bare = peak_rss()
    import fhirpath

    result = fhirpath.evaluate(PATIENT, HEADLINE)
    end = peak_rss()
    assert result == ["Peter"], result
    assert "lark" not in sys.modules
    return {"figures": {"process_total_rss_bytes": end - bare}}


def process_fhirpathpy(shared: str) -> dict:
    """The same for fhirpathpy, the engine this one is compared with (informative)."""
    bare = peak_rss()
    from fhirpathpy import evaluate
    from fhirpathpy.models import models

    result = evaluate(PATIENT, HEADLINE, {}, models["r4"])
    end = peak_rss()
    assert result == ["Peter"], result
    return {"figures": {"fhirpathpy_process_total_rss_bytes": end - bare}}


COMPONENTS = {
    "parser": parser,
    "baseline": baseline,
    "ast": ast,
    "ast_unpooled": ast_unpooled,
    "compiled": compiled,
    "evaluation": evaluation,
    "cache": cache,
    "process": process,
    "process_total": process_total,
    "process_fhirpathpy": process_fhirpathpy,
}


if __name__ == "__main__":
    component, shared = sys.argv[1], sys.argv[2]
    found = COMPONENTS[component](shared)
    import json

    print(json.dumps(found))
