"""``python -m fhirpath.lsp [--tcp HOST:PORT]``: the FHIRPath language server, on stdio
unless ``--tcp`` is given."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fhirpath.lsp", description="The FHIRPath language server.")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port instead of stdin/stdout")
    args = parser.parse_args(argv)
    try:
        from fhirpath.lsp.server import create_server
    except ImportError as error:
        parser.exit(2, f"the language server needs pygls and lsprotocol: pip install 'fhirpath-lean[lsp]' ({error})\n")
    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            parser.error(f"--tcp takes HOST:PORT, not {args.tcp!r}")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()


if __name__ == "__main__":
    main()
