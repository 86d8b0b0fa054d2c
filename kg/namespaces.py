"""The RDF namespaces of the data contract (../shared/MODEL.md), defined once.

Plain strings, so importing this module costs nothing (``kg --help`` stays fast);
wrap them in ``rdflib.Namespace`` or ``pyoxigraph.NamedNode`` where needed.
"""

KG = "https://w3id.org/casekg/onto#"
CASE = "https://w3id.org/casekg/case/"
OA = "http://www.w3.org/ns/oa#"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OBO = "http://purl.obolibrary.org/obo/"

# prefix -> namespace, in the order they are written at the top of Turtle output
PREFIXES: dict[str, str] = {
    "kg": KG,
    "case": CASE,
    "oa": OA,
    "oboInOwl": OBOINOWL,
    "dcterms": DCTERMS,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "xsd": XSD,
}
