# Hardening targets (fuzz, valgrind, fault injection): see docs/reliability.md.
