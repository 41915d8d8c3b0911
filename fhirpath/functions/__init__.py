"""Builtin functions and operators: implementations by spec chapter, and the one table."""
