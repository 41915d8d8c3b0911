"""Speed and memory benchmarks; `benches/README.md` says how to run them."""
