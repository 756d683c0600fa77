// The benchmark (issue: performance) — to be written.
print("commitcheck-bench: no cases yet")
