"""Stage 5, serving: the embeddable chat widget's HTTP server, feedback storage and the interface wording."""
