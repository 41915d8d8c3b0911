"""``python -m fhirpath.lsp [--tcp HOST:PORT]``: the FHIRPath language server, on
stdin/stdout unless ``--tcp`` is given.

The two options are read by hand: argparse would stay resident for the life of the
server (~0.25 MiB, measured with benches/bench_lsp_soak.py).
"""

from __future__ import annotations

import sys

USAGE = """usage: python -m fhirpath.lsp [--tcp HOST:PORT]

The FHIRPath language server: stdin/stdout, or a TCP port with --tcp."""


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in (["-h"], ["--help"]):
        print(USAGE)
        return
    tcp = None
    if len(args) == 2 and args[0] == "--tcp":
        tcp = args[1]
    elif len(args) == 1 and args[0].startswith("--tcp="):
        tcp = args[0].removeprefix("--tcp=")
    elif args:
        sys.exit(f"{USAGE}\n\nunexpected arguments: {' '.join(args)}")
    host, _, port = (tcp or "").rpartition(":")
    if tcp is not None and not port.isdigit():
        sys.exit(f"--tcp takes HOST:PORT, not {tcp!r}")
    try:
        from fhirpath.lsp.server import create_server
    except ImportError as error:
        sys.exit(f"the language server needs pygls and lsprotocol: pip install 'fhirpath-lean[lsp]' ({error})")
    server = create_server()
    if tcp is None:
        server.start_io()
    else:
        server.start_tcp(host or "127.0.0.1", int(port))


if __name__ == "__main__":
    main()
