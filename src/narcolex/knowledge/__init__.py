"""The knowledge base: bundled content, database models, workflow, import and export."""
