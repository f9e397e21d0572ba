"""journeykit: marketing guides in Markdown and YAML → branded PDF, DOCX and XLSX templates."""

__version__ = "0.2.0"
