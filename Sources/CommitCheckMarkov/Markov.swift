/// Markov chains over an explored state graph (issue: Markov analysis).
