"""Stage 1, documents: read files (PDF, Word, HTML, text), clean them, find their structure and metadata, cut them into chunks."""
