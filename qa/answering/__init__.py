"""Stage 4, answering: candidate answers from the passages, the reader that picks one or refuses, and the chat's intents, conversation and optional generator."""
