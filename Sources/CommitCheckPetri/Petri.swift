/// Petri nets equivalent to a model (issue: Petri nets).
