"""CaseKG: case reports to an RDF knowledge graph."""
