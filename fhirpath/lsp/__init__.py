"""FHIRPath language server (``python -m fhirpath.lsp``) and its editor features.

`fhirpath.lsp.features` is plain functions over ``(text, offset)`` that other servers can
call; `fhirpath.lsp.server` wires them to pygls. Importing this package imports neither
pygls nor lsprotocol.
"""
